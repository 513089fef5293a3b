"""Bad configuration stops start-up with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cluster.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def run_check(**overrides):
    env = {**os.environ, "DEBUG": "true", **overrides}
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_configuration_starts():
    result = run_check()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' n'est pas un booléen"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY est obligatoire"),
        ({"DATABASE_URL": "oracle-ish://nowhere"}, "DATABASE_URL n'est pas une URL"),
        ({"DATABASE_CONN_MAX_AGE": "-5"}, "DATABASE_CONN_MAX_AGE=-5 doit être supérieur"),
        ({"DATA_UPLOAD_MAX_MEMORY_SIZE": "5Mo"}, "DATA_UPLOAD_MAX_MEMORY_SIZE='5Mo' n'est pas"),
        ({"SECURE_COOKIES": "oui"}, "SECURE_COOKIES='oui' n'est pas un booléen"),
        ({"EMAIL_URL": "pigeon://colombier"}, "EMAIL_URL n'est pas une URL"),
    ],
)
def test_bad_configuration_stops_start_up_with_a_clear_message(overrides, message):
    result = run_check(**overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_postgres_url_selects_postgresql():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cluster.settings", "DEBUG": "true",
             "DATABASE_URL": "postgres://u:p@db.example:5432/cluster"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("Yes", True), ("off", False),
                                                ("FALSE", False), ("", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", True) is expected


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.fr, ,b.fr ")
    monkeypatch.setenv("COUNT", "12")
    monkeypatch.delenv("MISSING", raising=False)
    assert env_list("HOSTS", []) == ["a.fr", "b.fr"]
    assert env_int("COUNT", 0, minimum=1) == 12
    assert env_str("MISSING", "défaut") == "défaut"
    with pytest.raises(ImproperlyConfigured, match="MISSING est obligatoire"):
        env_str("MISSING", required=True)
    monkeypatch.setenv("COUNT", "douze")
    with pytest.raises(ImproperlyConfigured, match="n'est pas un nombre entier"):
        env_int("COUNT", 0)


def test_bad_configuration_prints_one_line_without_a_traceback():
    result = run_check(DEBUG="maybe")
    assert result.returncode == 1
    assert result.stderr == (
        "Configuration invalide : DEBUG='maybe' n'est pas un booléen : utilisez true ou false "
        "(ou 1/0, yes/no, on/off).\n"
    )
    assert "Traceback" not in result.stderr + result.stdout
    for entry_point in ("import cluster.wsgi", "import cluster.asgi",
                        "from cluster import celery_app; celery_app.conf.broker_url"):
        started = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-c", entry_point], cwd=ROOT,
            env={**os.environ, "DEBUG": "maybe"}, capture_output=True, text=True, timeout=60,
        )
        assert started.returncode == 1, entry_point
        assert started.stderr.startswith("Configuration invalide : DEBUG='maybe'"), entry_point
        assert "Traceback" not in started.stderr, entry_point
