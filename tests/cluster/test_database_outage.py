"""The database goes away and comes back: a clean 503 meanwhile, and no restart needed.

The first tests make the database fail inside the test client. The last one is the real
thing: a throwaway PostgreSQL cluster (never the machine's) serves the platform run by
gunicorn; the test stops PostgreSQL, asks for pages and the API, starts it again.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from tests.helpers import page_text

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
UNAVAILABLE = "Service momentanément indisponible"


@contextmanager
def database_down(error=OperationalError):
    def fail(*args, **kwargs):
        raise error("connection to server at \"127.0.0.1\", port 5432 failed: "
                    "Connection refused")

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", fail), \
            mock.patch("django.db.backends.utils.CursorWrapper.executemany", fail):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_says_the_service_is_unavailable_when_the_database_is_lost(client, error):
    with database_down(error):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    assert UNAVAILABLE in page_text(response)


@pytest.mark.django_db
def test_the_api_answers_its_own_error_shape_when_the_database_is_lost(client):
    with database_down():
        response = client.get("/api/territoires/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "Service momentanément indisponible. Réessayez dans quelques instants.",
        "code": "unavailable"}


@pytest.mark.django_db
def test_the_page_speaks_english_to_who_chose_it(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_down():
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_other_errors_are_still_errors(client):
    with mock.patch("cluster.views.accounts.render", side_effect=ValueError("bogue")), \
            pytest.raises(ValueError):
        client.get(reverse("home"))


# A real PostgreSQL, stopped and started again ------------------------------------------------

def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command):
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *map(str, command)]
    return [str(part) for part in command]


class ThrowawayPostgres:
    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="pannes-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.directory, user="postgres")
        subprocess.run(_as_postgres([PG_BIN / "initdb", "-D", self.data, "-A", "trust",  # noqa: S603
                                     "-U", "postgres", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True)

    def start(self):
        subprocess.run(_as_postgres([  # noqa: S603
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.directory / "log", "-w", "start",
            "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c full_page_writes=off"]), check=True, capture_output=True)

    def stop(self):
        subprocess.run(_as_postgres([PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w",  # noqa: S603
                                     "stop"]), check=False, capture_output=True)

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _can_run_postgres():
    if not (PG_BIN / "initdb").exists():
        return False
    if os.geteuid() != 0:
        return True
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return shutil.which("runuser") is not None


def _get(url):
    """Return status, content type and body, for errors as for successes."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


@pytest.fixture(scope="module")
def platform_on_postgres(tmp_path_factory):
    """The platform served by gunicorn on a throwaway PostgreSQL; yield its URL and the
    cluster. Settings are the production ones, static files aside (no collectstatic)."""
    postgres = ThrowawayPostgres()
    server = None
    try:
        postgres.start()
        settings_dir = tmp_path_factory.mktemp("settings")
        (settings_dir / "outage_settings.py").write_text(
            "from cluster.settings import *  # noqa: F403\n"
            "STORAGES['staticfiles'] = {'BACKEND': "
            "'django.contrib.staticfiles.storage.StaticFilesStorage'}\n")
        env = {**os.environ, "DATABASE_URL": postgres.url, "DEBUG": "false",
               "SECRET_KEY": "tests-only-not-secret", "ALLOWED_HOSTS": "127.0.0.1",
               "SECURE_COOKIES": "false", "DJANGO_SETTINGS_MODULE": "outage_settings",
               "PYTHONPATH": os.pathsep.join([str(settings_dir), str(ROOT)])}
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],  # noqa: S603
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "cluster.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(url + "/")
                break
            except OSError:
                assert server.poll() is None, "gunicorn s'est arrêté"
                assert time.monotonic() < deadline, "gunicorn n'a pas démarré"
                time.sleep(0.2)
        yield url, postgres, server
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        postgres.remove()


@pytest.mark.outage
@pytest.mark.skipif(not _can_run_postgres(),
                    reason="PostgreSQL 15 (initdb, pg_ctl) absent : pas de panne à jouer")
def test_the_platform_answers_503_while_postgresql_is_down_and_recovers_by_itself(
        platform_on_postgres):
    url, postgres, server = platform_on_postgres
    status, _, body = _get(url + "/")
    assert status == 200
    assert _get(url + "/api/territoires/")[0] == 200

    postgres.stop()
    started = time.monotonic()
    status, content_type, body = _get(url + "/")
    assert status == 503
    assert content_type.startswith("text/html")
    assert UNAVAILABLE in body
    status, content_type, body = _get(url + "/api/territoires/")
    assert status == 503
    assert content_type == "application/json"
    assert json.loads(body)["code"] == "unavailable"
    assert time.monotonic() - started < 10  # refused at once, not after a long wait

    postgres.start()
    status, _, body = _get(url + "/")
    assert status == 200, body[:500]
    assert UNAVAILABLE not in body
    assert _get(url + "/api/territoires/")[0] == 200
    assert server.poll() is None  # the same server, never restarted
