"""A funder's people through the API: its admin members and staff list its members and
pending invitations, invite a reviewer, change a role, remove a member, resend or cancel an
invitation; everyone else is refused as on the page. Same services, same messages."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cluster.services import api_token_create
from funding.models import FunderInvitation, FunderMember
from funding.services.funders import funder_invitation_accept, funder_invitation_create
from tests.cluster.factories import UserFactory
from tests.funding.factories import FunderFactory, FunderMemberFactory
from tests.helpers import as_role

pytestmark = pytest.mark.django_db

MANAGES = {"member_a": 403, "facilitator": 403, "reviewer": 403, "funder_admin": 200,
           "staff": 200}


def _base(funder):
    return f"/api/gestion/financeurs/{funder.slug}"


def _send(client, url, data=None, method="post"):
    return getattr(client, method)(url, data if data is not None else {},
                                   content_type="application/json")


@pytest.fixture
def invitation(funder, staff):
    return funder_invitation_create(funder=funder, email="invitee@exemple.fr", by=staff)[0]


# Who may: every role, every operation ----------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", *MANAGES])
def test_the_lists_are_for_the_funders_admins_and_staff(client, funder_roles, funder,
                                                        invitation, role):
    as_role(client, funder_roles, role)
    for what in ("membres", "invitations"):
        response = client.get(f"{_base(funder)}/{what}/")
        assert response.status_code == MANAGES.get(role, 401), (what, response.content)
    if role == "reviewer":
        assert "Seuls les administrateur·rices de ce financeur" in response.json()["detail"]


@pytest.mark.parametrize("role", ["anonymous", *MANAGES])
def test_every_change_is_for_the_funders_admins_and_staff(client, funder_roles, funder,
                                                          invitation, role):
    as_role(client, funder_roles, role)
    allowed = MANAGES.get(role) == 200
    refused = MANAGES.get(role, 401)
    member = FunderMember.objects.get(user=funder_roles["reviewer"])
    answers = {
        "invite": _send(client, f"{_base(funder)}/invitations/", {"email": "n@exemple.fr"}),
        "resend": _send(client, f"{_base(funder)}/invitations/{invitation.pk}/renvoyer/"),
        "role": _send(client, f"{_base(funder)}/membres/{member.pk}/", {"role": "admin"},
                      "patch"),
    }
    expected = {"invite": 201, "resend": 200, "role": 200}
    for name, response in answers.items():
        assert response.status_code == (expected[name] if allowed else refused), name
    cancel = _send(client, f"{_base(funder)}/invitations/{invitation.pk}/annuler/")
    assert cancel.status_code == (200 if allowed else refused)
    remove = _send(client, f"{_base(funder)}/membres/{member.pk}/", method="delete")
    assert remove.status_code == (204 if allowed else refused)
    assert FunderMember.objects.filter(pk=member.pk).exists() != allowed
    assert FunderInvitation.objects.filter(email="n@exemple.fr").exists() == allowed
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) == allowed


def test_an_admin_of_another_funder_is_refused(client, funder, invitation):
    other_admin = FunderMemberFactory(funder=FunderFactory(name="Fondation voisine"),
                                      role=FunderMember.Role.ADMIN).user
    client.force_login(other_admin)
    assert client.get(f"{_base(funder)}/membres/").status_code == 403
    response = _send(client, f"{_base(funder)}/invitations/{invitation.pk}/annuler/")
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_token_works_like_a_session(client, funder, funder_admin):
    _row, token = api_token_create(user=funder_admin, lifetime_days=30)
    response = client.get(f"{_base(funder)}/membres/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["results"][0]["role"] == "admin"


# The good path ---------------------------------------------------------------------------

def test_an_admin_invites_the_person_accepts_and_is_named_admin(client, funder, funder_admin,
                                                               reviewer, committed):
    client.force_login(funder_admin)
    with committed():
        response = _send(client, f"{_base(funder)}/invitations/",
                         {"email": " Nouvelle@Exemple.fr "})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["email"] == "nouvelle@exemple.fr" and created["expired"] is False
    assert created["invited_by"] == str(funder_admin) and created["cancelled_at"] is None
    assert "token" not in str(created) and mail.outbox[-1].to == ["nouvelle@exemple.fr"]
    listed = client.get(f"{_base(funder)}/invitations/").json()
    assert [row["email"] for row in listed["results"]] == ["nouvelle@exemple.fr"]
    with committed():
        resent = _send(client, f"{_base(funder)}/invitations/{created['id']}/renvoyer/")
    assert resent.status_code == 200 and len(mail.outbox) == 2
    people = client.get(f"{_base(funder)}/membres/").json()
    assert people["count"] == 2
    assert [(row["name"], row["role"]) for row in people["results"]] == [
        (str(funder_admin), "admin"), (str(reviewer), "reviewer")]
    member_id = people["results"][1]["id"]
    response = _send(client, f"{_base(funder)}/membres/{member_id}/", {"role": "admin"},
                     "patch")
    assert response.status_code == 200 and response.json()["role"] == "admin"


def test_cancelling_removes_the_invitation_from_the_list(client, funder, staff, invitation):
    client.force_login(staff)
    response = _send(client, f"{_base(funder)}/invitations/{invitation.pk}/annuler/")
    assert response.status_code == 200 and response.json()["cancelled_at"] is not None
    assert client.get(f"{_base(funder)}/invitations/").json()["count"] == 0


# Bad inputs: clear French refusals, nothing written --------------------------------------

def test_a_duplicate_invitation_is_refused_in_french(client, funder, staff, invitation,
                                                     reviewer):
    client.force_login(staff)
    response = _send(client, f"{_base(funder)}/invitations/", {"email": "INVITEE@exemple.fr"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_invited"
    assert "Une invitation est déjà en attente pour cette adresse" in response.json()["detail"]
    response = _send(client, f"{_base(funder)}/invitations/", {"email": reviewer.email})
    assert response.status_code == 409 and response.json()["code"] == "already_member"
    assert FunderInvitation.objects.count() == 1


def test_the_last_admin_is_neither_removed_nor_demoted(client, funder, funder_admin):
    client.force_login(funder_admin)
    member = FunderMember.objects.get(user=funder_admin)
    url = f"{_base(funder)}/membres/{member.pk}/"
    for response in (_send(client, url, method="delete"),
                     _send(client, url, {"role": "reviewer"}, "patch")):
        assert response.status_code == 409
        assert response.json()["code"] == "last_admin"
        assert "au moins un·e administrateur·rice" in response.json()["detail"]
    member.refresh_from_db()
    assert member.role == "admin"


def test_an_accepted_invitation_is_not_cancelled_nor_resent(client, funder, staff):
    invitation_row, secret = funder_invitation_create(funder=funder, email="b@exemple.fr",
                                                      by=staff)
    funder_invitation_accept(token=secret, user=UserFactory(email="b@exemple.fr"))
    client.force_login(staff)
    for action in ("annuler", "renvoyer"):
        response = _send(client, f"{_base(funder)}/invitations/{invitation_row.pk}/{action}/")
        assert response.status_code == 409, action
        assert response.json()["code"] == "already_accepted"
        assert "déjà été acceptée" in response.json()["detail"]
    invitation_row.refresh_from_db()
    assert invitation_row.revoked_at is None


@pytest.mark.parametrize("body", [[], ["x@exemple.fr"], {"email": "pas-une-adresse"}, {},
                                  {"email": "a\u0000@exemple.fr"}])
def test_bad_bodies_are_refused_with_400(client, funder, staff, body):
    client.force_login(staff)
    response = _send(client, f"{_base(funder)}/invitations/", body)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not FunderInvitation.objects.exists()


def test_a_bad_role_or_a_json_array_is_refused(client, funder, staff, reviewer):
    client.force_login(staff)
    member = FunderMember.objects.get(user=reviewer)
    url = f"{_base(funder)}/membres/{member.pk}/"
    for body in ({"role": "chef"}, [], [{"role": "admin"}], {}):
        assert _send(client, url, body, "patch").status_code == 400, body
    member.refresh_from_db()
    assert member.role == "reviewer"


def test_wrong_ids_and_unknown_funders_are_not_found(client, funder, staff, invitation):
    client.force_login(staff)
    other = FunderFactory(name="Fondation voisine")
    theirs = FunderMemberFactory(funder=other)
    for url, method in ((f"{_base(funder)}/membres/abc/", "delete"),
                        (f"{_base(funder)}/membres/99999999/", "delete"),
                        (f"{_base(funder)}/membres/{theirs.pk}/", "delete"),
                        (f"{_base(funder)}/invitations/abc/annuler/", "post"),
                        (f"{_base(other)}/invitations/{invitation.pk}/annuler/", "post"),
                        ("/api/gestion/financeurs/inconnu/membres/", "get")):
        assert getattr(client, method)(url).status_code == 404, url
    # A NUL byte in the address is refused before any query.
    assert client.get("/api/gestion/financeurs/a%00b/membres/").status_code == 400
    assert FunderMember.objects.filter(pk=theirs.pk).exists()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_lists_cost_the_same_queries_at_two_sizes(client, funder, funder_admin, staff):
    client.force_login(funder_admin)
    counts = {"membres": [], "invitations": []}
    for size in (2, 12):
        for number in range(size):
            FunderMemberFactory(funder=funder)
            funder_invitation_create(funder=funder, email=f"p{number}.{size}@exemple.fr",
                                     by=staff)
        for what in counts:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{_base(funder)}/{what}/").status_code == 200
            counts[what].append(len(queries))
    assert counts["membres"][0] == counts["membres"][1], counts
    assert counts["invitations"][0] == counts["invitations"][1], counts
