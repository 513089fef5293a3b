"""What every funding test shares: dossier files (PDFs, attachments) go to a folder of its own."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
