"""The platform starts without a warning on the database it runs on (SQLite for a
newcomer, PostgreSQL in production): a warning printed at every command gets ignored."""

import pytest
from django.core import checks


@pytest.mark.django_db
def test_the_system_checks_give_no_warning():
    found = [message for message in checks.run_checks(databases=["default"])
             if message.level >= checks.WARNING and not message.is_silenced()]
    assert found == []
