import pytest

from territories.geography import import_geography


@pytest.fixture(scope="session")
def geography(django_db_setup, django_db_blocker):
    """The whole official geography, loaded once for the session."""
    with django_db_blocker.unblock():
        counts = import_geography()
    yield counts
