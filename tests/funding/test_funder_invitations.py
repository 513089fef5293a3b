"""A funder's pending invitations: resent (a new link, a new expiry, the e-mail again) or
cancelled (after a confirmation) from its people page, by its admin members and staff only;
an accepted invitation, or another funder's, is refused clearly and nothing is written."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import Invitation
from cluster.onboarding import account_delete
from cluster.services import invitation_create
from funding.models import FunderInvitation, FunderMember
from funding.services.funders import (
    funder_invitation_accept,
    funder_invitation_cancel,
    funder_invitation_create,
    funder_invitation_resend,
)
from tests.cluster.factories import UserFactory
from tests.funding.factories import FunderFactory, FunderMemberFactory
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

MANAGES = {"anonymous": False, "member_a": False, "facilitator": False, "reviewer": False,
           "funder_admin": True, "staff": True}


@pytest.fixture
def invitation(funder, staff):
    return funder_invitation_create(funder=funder, email="invitee@exemple.fr", by=staff)


def _url(name, invitation, slug=None):
    return reverse(f"funding:{name}", args=[slug or invitation.funder.slug, invitation.pk])


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


# Who may: every role ---------------------------------------------------------------------

@pytest.mark.parametrize("role", MANAGES)
def test_resending_is_for_the_funders_admin_members_and_staff(client, funder_roles, invitation,
                                                              role, committed):
    row, secret = invitation
    FunderInvitation.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() + timedelta(hours=1))
    sent = len(mail.outbox)
    with committed():
        response = as_role(client, funder_roles, role).post(
            _url("funder_invitation_resend", row))
    renewed = FunderInvitation.objects.get(pk=row.pk)
    assert (renewed.token_hash != row.token_hash) == MANAGES[role]
    assert (len(mail.outbox) == sent + 1) == MANAGES[role]
    expected = 302 if MANAGES[role] or role == "anonymous" else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", MANAGES)
def test_cancelling_is_for_the_funders_admin_members_and_staff(client, funder_roles,
                                                               invitation, role):
    row, _secret = invitation
    url = _url("funder_invitation_cancel", row)
    as_role(client, funder_roles, role)
    page = client.get(url)
    assert page.status_code == (200 if MANAGES[role] else 302 if role == "anonymous" else 403)
    response = client.post(url)
    row.refresh_from_db()
    assert (row.revoked_at is not None) == MANAGES[role]
    assert response.status_code == (302 if MANAGES[role] or role == "anonymous" else 403)


# The good path ---------------------------------------------------------------------------

def test_the_people_page_offers_to_resend_and_to_cancel(client, funder_admin, invitation):
    row, _secret = invitation
    client.force_login(funder_admin)
    text = page_text(client.get(reverse("funding:funder_people", args=[row.funder.slug])))
    assert _url("funder_invitation_resend", row) in text
    assert _url("funder_invitation_cancel", row) in text


def test_a_resent_invitation_has_a_new_link_and_a_new_expiry(client, funder_admin, funder,
                                                            invitation, committed):
    row, old_secret = invitation
    FunderInvitation.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - timedelta(days=1))
    client.force_login(funder_admin)
    text = page_text(client.get(reverse("funding:funder_people", args=[funder.slug])))
    assert "expirée" in text
    with committed():
        response = client.post(_url("funder_invitation_resend", row), follow=True)
    assert "Invitation renvoyée à invitee@exemple.fr" in page_text(response)
    row.refresh_from_db()
    assert row.expires_at > timezone.now() + timedelta(days=1)
    assert row.invited_by == funder_admin
    assert mail.outbox[-1].to == ["invitee@exemple.fr"]
    # The old link no longer works; the new one does.
    person = UserFactory(email="invitee@exemple.fr")
    with pytest.raises(DomainError, match="n'est pas valide"):
        funder_invitation_accept(token=old_secret, user=person)
    client.force_login(person)
    client.post(_link(mail.outbox[-1]))
    assert funder.members.filter(user=person, role="reviewer").exists()


def test_a_cancelled_invitation_no_longer_opens(client, staff, invitation):
    row, secret = invitation
    client.force_login(staff)
    confirm = page_text(client.get(_url("funder_invitation_cancel", row)))
    assert "Annuler cette invitation ?" in confirm and "invitee@exemple.fr" in confirm
    response = client.post(_url("funder_invitation_cancel", row), follow=True)
    assert "est annulée" in page_text(response)
    page = client.get(reverse("funding:funder_invitation_accept", args=[secret]))
    assert page.status_code == 410 and "annulée" in page_text(page)
    assert "invitee@exemple.fr" not in page_text(
        client.get(reverse("funding:funder_people", args=[row.funder.slug])))


def test_a_cancelled_address_may_be_invited_again(funder, staff, invitation):
    row, _secret = invitation
    funder_invitation_cancel(invitation=row, by=staff)
    again, _secret = funder_invitation_create(funder=funder, email="invitee@exemple.fr", by=staff)
    assert again.pk != row.pk


# Bad inputs: nothing written -------------------------------------------------------------

def _accepted(invitation, funder):
    row, secret = invitation
    funder_invitation_accept(token=secret, user=UserFactory(email="invitee@exemple.fr"))
    row.refresh_from_db()
    return row


def test_cancelling_an_accepted_invitation_is_refused_clearly(client, funder_admin, funder,
                                                              invitation):
    row = _accepted(invitation, funder)
    client.force_login(funder_admin)
    response = client.post(_url("funder_invitation_cancel", row))
    assert response.status_code == 409
    assert "déjà été acceptée : retirez plutôt la personne" in page_text(response)
    row.refresh_from_db()
    assert row.revoked_at is None


def test_resending_an_accepted_or_cancelled_invitation_is_refused(client, funder_admin, funder,
                                                                  invitation):
    row = _accepted(invitation, funder)
    client.force_login(funder_admin)
    text = page_text(client.post(_url("funder_invitation_resend", row), follow=True))
    assert "Cette invitation a déjà été acceptée." in text
    assert FunderInvitation.objects.get(pk=row.pk).token_hash == row.token_hash
    other, _secret = funder_invitation_create(funder=funder, email="b@exemple.fr",
                                              by=funder_admin)
    funder_invitation_cancel(invitation=other, by=funder_admin)
    with pytest.raises(DomainError, match="a été annulée"):
        funder_invitation_resend(invitation=other, by=funder_admin)
    with pytest.raises(DomainError, match="déjà annulée"):
        funder_invitation_cancel(invitation=other, by=funder_admin)


def test_another_funders_invitation_is_not_reached(client, funder, funder_admin, staff):
    other_funder = FunderFactory(name="Fondation voisine")
    theirs, _secret = funder_invitation_create(funder=other_funder, email="x@exemple.fr",
                                               by=staff)
    client.force_login(funder_admin)
    # Through the admin's own funder: not found there.
    for name in ("funder_invitation_cancel", "funder_invitation_resend"):
        response = client.post(_url(name, theirs, slug=funder.slug))
        assert response.status_code == 404 and "Page introuvable" in page_text(response)
    # Through the other funder's address: refused with the reason.
    response = client.post(_url("funder_invitation_cancel", theirs))
    assert response.status_code == 403
    assert "Seuls les administrateur·rices de ce financeur" in page_text(response)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_wrong_id_is_not_found(client, staff, funder):
    client.force_login(staff)
    for pk in ("abc", "999999"):
        url = f"/financements/financeurs/{funder.slug}/invitations/{pk}/annuler/"
        assert client.post(url).status_code == 404


def test_the_collective_invitations_keep_their_rules(collective_a, facilitator):
    invitation, _secret = invitation_create(collective=collective_a, email="c@exemple.fr",
                                            role="member", by=facilitator)
    with pytest.raises(DomainError, match="déjà en attente") as refused:
        invitation_create(collective=collective_a, email="C@exemple.fr", role="member",
                          by=facilitator)
    assert refused.value.status == 409
    assert Invitation.objects.get(pk=invitation.pk).is_pending(timezone.now())


# Account deletion: the person leaves every funder's people -------------------------------

def test_deleting_the_account_removes_the_funder_links_and_invitations(
        client, funder, reviewer, funder_admin, staff):
    other_funder = FunderFactory(name="Fondation voisine")
    FunderMemberFactory(funder=other_funder, user=reviewer)
    pending, _secret = funder_invitation_create(funder=FunderFactory(name="Troisième"),
                                                email="Instructeur@Exemple.fr", by=staff)
    someone_else, _secret = funder_invitation_create(funder=funder, email="autre@exemple.fr",
                                                     by=staff)
    client.force_login(reviewer)
    response = client.post(reverse("account_delete"))
    assert response.status_code == 302
    assert not FunderMember.objects.filter(user=reviewer).exists()
    assert not FunderInvitation.objects.filter(pk=pending.pk).exists()
    # Nobody else is touched.
    assert FunderInvitation.objects.filter(pk=someone_else.pk).exists()
    assert FunderMember.objects.filter(user=funder_admin).exists()
    reviewer.refresh_from_db()
    assert not reviewer.is_active


def test_an_invitation_the_person_accepted_goes_with_the_account(funder, staff):
    invitation, secret = funder_invitation_create(funder=funder, email="a@exemple.fr", by=staff)
    person = UserFactory(email="b@exemple.fr")
    funder_invitation_accept(token=secret, user=person)
    account_delete(user=person)
    assert not FunderInvitation.objects.filter(pk=invitation.pk).exists()
    assert not funder.members.filter(user=person).exists()


def test_a_refused_deletion_keeps_the_funder_links(facilitator, funder, staff):
    FunderMemberFactory(funder=funder, user=facilitator)
    with pytest.raises(DomainError, match="seul·e animateur·rice"):
        account_delete(user=facilitator)
    assert funder.members.filter(user=facilitator).exists()
