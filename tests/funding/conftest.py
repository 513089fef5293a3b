"""What every funding test shares: dossier files (PDFs, attachments) go to a folder of its
own; a funder's administrator and every role towards its people."""

import pytest

from funding.models import FunderMember
from tests.funding.factories import FunderMemberFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def funder_admin(funder):
    """The administrator member of the funder of the `funder` fixture."""
    return FunderMemberFactory(funder=funder, role=FunderMember.Role.ADMIN,
                               user__email="admin.financeur@exemple.fr").user


@pytest.fixture
def funder_roles(anonymous, member_a, facilitator, reviewer, funder_admin, staff):
    """Every role towards a funder's people, by name."""
    return {"anonymous": anonymous, "member_a": member_a, "facilitator": facilitator,
            "reviewer": reviewer, "funder_admin": funder_admin, "staff": staff}
