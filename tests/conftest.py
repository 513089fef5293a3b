"""The fixed cast of every test: one person per role, and two collectives; a fixed clock.

Also the demo, loaded once for the tests of a module that only read it (`demo`).
"""

import copy
import importlib
import os
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from cluster import celery_app
from cluster.models import Membership
from tests.cluster.factories import PASSWORD, CollectiveFactory, MembershipFactory, UserFactory
from tests.funding.factories import FunderFactory, FunderMemberFactory

# Every test runs at this instant, whatever the real hour, day or time zone of the machine:
# a weekday morning in Paris, the hour when the suite used to fail. `.ci/run` runs the suite
# again under other clocks (TEST_CLOCK) so that a test which depends on the hour, a date
# change or a daylight-saving day cannot hide.
TEST_CLOCK = datetime.fromisoformat(os.environ.get("TEST_CLOCK") or "2027-03-09T09:00:00+01:00")

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                           "LOCATION": "tests"}}


def pytest_configure(config):
    """Stop the clock at TEST_CLOCK before tests are collected and the database migrated.

    Parameters computed at collection and migrations that date what they create (the label
    call opens on the day it runs) then see the same instant as the tests.
    """
    config.test_clock = time_machine.travel(TEST_CLOCK, tick=False)
    config.test_clock.start()


def pytest_unconfigure(config):
    if hasattr(config, "test_clock"):
        config.test_clock.stop()


def commits(item):
    """Tell whether the test commits (live server, `transaction=True`): it empties every table."""
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        or (marker and (marker.kwargs.get("transaction") or marker.kwargs.get(
            "reset_sequences")))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that commit (live server, `transaction=True`) after all the others.

    They empty every table when they end, the rows that migrations wrote included (the
    themes, the funding catalogue, the label call). pytest-django puts them last, but
    pytest's own grouping by parametrized fixtures may move them back (a test parameter
    named `page` once pulled the browser tests into the middle of the suite).

    The tests that read the demo run together, after the others that do not commit: the
    demo is loaded once for all of them. A test that does not ask for it never finds it
    there, whatever the order (see `pytest_runtest_setup`).
    """
    def plays_an_outage(item):
        # The broker outage tests point Celery at a throwaway Redis they stop and start:
        # the tests that need the real broker and worker run before them.
        return "redis" in getattr(item, "fixturenames", ())

    modules = {}
    for item in items:
        modules.setdefault(item.module, len(modules))
    items.sort(key=lambda item: (commits(item), plays_an_outage(item), reads_the_demo(item),
                                 modules[item.module]))


def reads_the_demo(item):
    return "demo" in getattr(item, "fixturenames", ())


def pytest_runtest_setup(item):
    """Roll the demo back before a test that does not ask for it, or that commits.

    A test that commits must not run inside the demo's transaction; any other test must
    not find rows it did not make. The next test that asks for the demo loads it again.
    """
    if commits(item) or not reads_the_demo(item):
        _demo_load.roll_back()
    else:
        # Rolled back by an earlier test after the module's `demo` fixture loaded it.
        _demo_load.load_again()


class _DemoLoad:
    """The demo, loaded in a transaction held open while the tests that ask for it run.

    Each test then runs in a savepoint inside it (pytest-django's `db`), so what a test
    writes is rolled back and the next one finds the demo as loaded.
    """

    def __init__(self):
        self.atomic = None
        self.blocker = None
        self.media_root = None

    def load(self, *, blocker, media_root):
        """Load the demo, unless it is loaded already (for an earlier module's tests)."""
        if self.atomic is not None:
            return
        self.blocker, self.media_root = blocker, media_root
        with blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            # As every test runs (see the autouse fixtures below): the demo refuses to run
            # without DEBUG, and the default password hasher would take seconds.
            with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
                                   CACHES=TEST_CACHES, MEDIA_ROOT=media_root):
                eager = celery_app.conf.task_always_eager
                celery_app.conf.task_always_eager = True
                try:
                    call_command("load_demo", verbosity=0)
                finally:
                    celery_app.conf.task_always_eager = eager

    def load_again(self):
        """Load the demo again if it was loaded once, then rolled back."""
        if self.blocker is not None:
            self.load(blocker=self.blocker, media_root=self.media_root)

    def roll_back(self):
        atomic, self.atomic = self.atomic, None
        if atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


_demo_load = _DemoLoad()


@pytest.fixture(scope="session")
def _demo_rolled_back_at_the_end(django_db_setup):
    """Roll the demo back, if the last tests read it, before the test database goes."""
    yield
    _demo_load.roll_back()


@pytest.fixture(scope="module")
def demo(_demo_rolled_back_at_the_end, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for every test that asks for it, of this module and the next.

    For tests that only read the demo, or write what their own savepoint rolls back. A
    test that commits (`transaction=True`, live server) cannot use it. Module-scoped so
    that it is there before a test's own transaction opens; it stays loaded after the
    module for the next module's demo tests, which run just after (see
    `pytest_collection_modifyitems`), and is rolled back before any other test.
    """
    _demo_load.load(blocker=django_db_blocker, media_root=tmp_path_factory.mktemp("demo"))


# The rows that data migrations write, in the order they were written.
DATA_MIGRATIONS = (
    ("territories", "0003_seed_themes", "seed"),
    ("territories", "0008_theme_synonyms_and_free_tags", "seed_synonyms"),
    ("territories", "0010_national_themes", "flag_national_themes"),
    ("cluster", "0011_national_themes_and_shared_indicators", "seed_catalogue"),
    ("funding", "0003_catalogue_of_hybrid_funding", "fill_catalogue"),
    ("funding", "0004_label_call", "create_label_call"),
    ("funding", "0007_label_call_wave", "set_label_call_wave"),
    ("funding", "0009_annual_follow_up", "create_follow_up_call"),
)


@pytest.fixture
def migration_rows(transactional_db):
    """Write again the rows of the data migrations (themes, catalogue, calls) if they are gone.

    For a test that commits (live server) and needs them: a committing test that ran before
    it emptied every table. pytest-django's serialized rollback would restore them, but
    clashes with the content types that the flush recreates.
    """
    from django.apps import apps

    from territories.models import Theme

    if Theme.objects.exists():
        return
    for app, migration, function in DATA_MIGRATIONS:
        module = importlib.import_module(f"{app}.migrations.{migration}")
        getattr(module, function)(apps, None)


@pytest.fixture(autouse=True)
def _clock():
    """Start every test at TEST_CLOCK; time then runs, so timeouts and waits still work.

    A test moves it with time-machine's `time_machine` fixture.
    """
    with time_machine.travel(TEST_CLOCK, tick=True):
        yield


@pytest.fixture(autouse=True)
def _french():
    """Start every test in French, the platform's language.

    A request in English (the language switch, `Accept-Language`) leaves English active in
    the thread after the response, as a real worker would until its next request; without
    this, the messages a later test reads outside a request would be in English.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _tasks_inline():
    """Run Celery tasks inline, as on the embedded default, even when REDIS_URL is set."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs collectstatic, which tests do not run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Give each test an empty cache of its own: rate limits never leak between tests,
    nor the maps kept in memory."""
    settings.CACHES = TEST_CACHES
    from django.core.cache import cache

    from territories.map_index import forget_map_indexes

    cache.clear()
    forget_map_indexes()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(scope="session")
def _openapi_schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def openapi_schema(_openapi_schema):
    """The API's OpenAPI schema as /api/schema/ serves it: generated once (it depends on the
    code only), a copy for each test."""
    return copy.deepcopy(_openapi_schema)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def collective_a(db):
    return CollectiveFactory(name="Collectif porteur Aix-Marseille-Provence")


@pytest.fixture
def collective_b(db):
    return CollectiveFactory(name="Collectif porteur Lyon-Métropole")


@pytest.fixture
def facilitator(collective_a):
    membership = MembershipFactory(
        collective=collective_a,
        role=Membership.Role.FACILITATOR,
        user__email="animatrice@exemple.fr",
        user__first_name="Camille",
        user__last_name="Martin",
    )
    return membership.user


@pytest.fixture
def member_a(collective_a):
    return MembershipFactory(collective=collective_a, user__email="membre.a@exemple.fr").user


@pytest.fixture
def member_b(collective_b):
    return MembershipFactory(collective=collective_b, user__email="membre.b@exemple.fr").user


@pytest.fixture
def funder(db):
    return FunderFactory(name="Le French Impact", kind="network")


@pytest.fixture
def reviewer(funder):
    return FunderMemberFactory(funder=funder, user__email="instructeur@exemple.fr").user


@pytest.fixture
def staff(db):
    return UserFactory(email="coordination@exemple.fr", is_staff=True, is_superuser=True)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def cast(facilitator, member_a, member_b, reviewer, staff):
    """Every signed-in role, by name, for tests that go through each of them."""
    return {
        "facilitator": facilitator,
        "member_a": member_a,
        "member_b": member_b,
        "reviewer": reviewer,
        "staff": staff,
    }


@pytest.fixture
def territory_a(collective_a):
    """Collective A's territory: published, run by collective A's cluster."""
    from datetime import date

    from cluster.services import cluster_create
    from tests.territories.factories import TerritoryFactory

    territory = TerritoryFactory(name="Aix-Marseille-Provence", slug="aix-marseille-provence")
    cluster_create(collective=collective_a, territory=territory, start_date=date(2026, 1, 1))
    return territory


@pytest.fixture
def territory_b(collective_b):
    """Collective B's territory, still a draft: only its editors and staff see it."""
    from datetime import date

    from cluster.services import cluster_create
    from tests.territories.factories import TerritoryFactory

    territory = TerritoryFactory(name="Lyon-Métropole", slug="lyon-metropole",
                                 is_published=False)
    cluster_create(collective=collective_b, territory=territory, start_date=date(2026, 1, 1))
    return territory


@pytest.fixture
def cluster(territory_a):
    """Collective A's cluster, on territory A: from 1 January to 31 December 2026."""
    return territory_a.clusters.get()


@pytest.fixture
def cluster_b(territory_b):
    """Collective B's cluster, on territory B."""
    return territory_b.clusters.get()


@pytest.fixture
def facilitator_b(collective_b):
    """The facilitator of collective B: a facilitator, of another collective than A."""
    return MembershipFactory(collective=collective_b, role=Membership.Role.FACILITATOR,
                             user__email="animateur.b@exemple.fr").user


@pytest.fixture
def people(cast, facilitator_b):
    """The cast and collective B's facilitator."""
    return {**cast, "facilitator_b": facilitator_b}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to commit (e-mails, tasks), as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
