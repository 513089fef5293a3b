"""Playwright drives Debian's Chromium; it never downloads a browser of its own."""

import os
import shutil
import threading

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"REQUIRE_BROWSER est défini mais Chromium est absent ({CHROMIUM})."
        )
    skip = pytest.mark.skip(reason="Chromium absent : installez le paquet Debian chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1280, "height": 800}}


class _Answering:
    """How many requests the live server is answering (its threads send the signals)."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        with self.changed:
            self.count += 1

    def finished(self, **kwargs):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()


@pytest.fixture(autouse=True)
def _answered_before_the_tables_are_emptied():
    """Wait, when a test ends, for the live server to finish the requests its page left
    (a map's GeoJSON, a chart): emptying the tables under one deadlocked (CI, once).

    Set up after pytest-django's `transactional_db` (its autouse helper asks for it first)
    and before `page`: torn down after the page closes, before the tables are emptied."""
    answering = _Answering()
    request_started.connect(answering.started)
    request_finished.connect(answering.finished)
    yield
    with answering.changed:
        answering.changed.wait_for(lambda: answering.count <= 0, timeout=10)
    request_started.disconnect(answering.started)
    request_finished.disconnect(answering.finished)
