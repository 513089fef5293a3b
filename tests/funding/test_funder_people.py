"""A funder's people: the national team or the funder's own admin member invites a reviewer
by e-mail, the person accepts (signing up first if need be), and is removed on request;
the last admin stays."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import User
from funding.models import FunderInvitation, FunderMember
from funding.services.funders import (
    funder_invitation_accept,
    funder_invitation_create,
    funder_member_remove,
)
from tests.cluster.factories import UserFactory
from tests.funding.factories import FunderFactory, FunderMemberFactory
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

PASSWORD = "un-secret-solide-2026"


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


# Who may do what: every page, every role ---------------------------------------------------

FUNDER_PAGES = ["funder_people", "funder_invite"]
PEOPLE = {"anonymous": 302, "member_a": 403, "facilitator": 403, "reviewer": 403,
          "funder_admin": 200, "staff": 200}
NATIONAL = {"anonymous": 302, "member_a": 403, "facilitator": 403, "reviewer": 403,
            "funder_admin": 403, "staff": 200}


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("name", FUNDER_PAGES)
def test_the_funder_people_pages_open_to_its_admin_members_and_staff(client, funder_roles,
                                                                    funder, role, name):
    url = reverse(f"funding:{name}", args=[funder.slug])
    response = as_role(client, funder_roles, role).get(url)
    assert response.status_code == PEOPLE[role]


@pytest.mark.parametrize("role", PEOPLE)
def test_removing_a_reviewer_is_for_the_admin_members_and_staff(client, funder_roles, funder, role):
    member = FunderMember.objects.get(user=funder_roles["reviewer"])
    url = reverse("funding:funder_member_remove", args=[funder.slug, member.pk])
    assert as_role(client, funder_roles, role).get(url).status_code == PEOPLE[role]
    response = client.post(url)
    assert FunderMember.objects.filter(pk=member.pk).exists() == (PEOPLE[role] != 200)
    assert response.status_code == (302 if role in ("anonymous", "funder_admin", "staff")
                                    else 403)


@pytest.mark.parametrize("role", NATIONAL)
def test_the_list_of_funders_is_for_the_national_team(client, funder_roles, role):
    response = as_role(client, funder_roles, role).get(reverse("funding:funder_list"))
    assert response.status_code == NATIONAL[role]


def test_an_admin_of_one_funder_does_not_manage_another(client, funder_admin):
    other = FunderFactory(name="Fondation voisine")
    client.force_login(funder_admin)
    assert client.get(reverse("funding:funder_people", args=[other.slug])).status_code == 403
    refusal = page_text(client.post(reverse("funding:funder_invite", args=[other.slug]),
                                    {"email": "x@exemple.fr"}))
    assert "Seuls les administrateur·rices de ce financeur" in refusal
    assert not FunderInvitation.objects.exists()


def test_the_funder_list_shows_its_people_counts(client, staff, funder, reviewer, funder_admin):
    client.force_login(staff)
    text = page_text(client.get(reverse("funding:funder_list")))
    assert "Le French Impact" in text
    assert reverse("funding:funder_people", args=[funder.slug]) in text


# Inviting, accepting ---------------------------------------------------------------------

def test_the_staff_invites_and_a_signed_in_person_accepts(client, staff, funder, committed):
    client.force_login(staff)
    with committed():
        response = client.post(reverse("funding:funder_invite", args=[funder.slug]),
                               {"email": "  Nouvelle.Instructrice@Exemple.fr "})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["nouvelle.instructrice@exemple.fr"]
    assert mail.outbox[-1].subject == "Invitation à instruire les dossiers du French Impact"
    link = _link(mail.outbox[-1])
    person = UserFactory(email="nouvelle.instructrice@exemple.fr")
    client.force_login(person)
    assert "Accepter et devenir instructeur·rice" in page_text(client.get(link))
    response = client.post(link)
    assert response["Location"] == reverse("funding:review_list")
    assert FunderMember.objects.get(user=person, funder=funder).role == "reviewer"
    # The link served once.
    again = client.post(link)
    assert again.status_code == 410 and "déjà été utilisée" in page_text(again)


def test_a_person_without_an_account_signs_up_and_comes_back(client, funder, funder_admin,
                                                             committed):
    with committed():
        funder_invitation_create(funder=funder, email="invitee@exemple.fr", by=funder_admin)
    link = _link(mail.outbox[-1])
    page = page_text(client.get(link))
    assert f"/compte/inscription/?next={link}" in page
    with committed():
        client.post(f"/compte/inscription/?next={link}", {
            "email": "invitee@exemple.fr", "password1": PASSWORD, "password2": PASSWORD,
            "next": link})
    confirm = _link(mail.outbox[-1])
    response = client.post(confirm)
    assert response["Location"] == link
    client.post(link)
    assert funder.members.filter(user__email="invitee@exemple.fr").exists()


def test_inviting_the_same_address_twice_in_other_capitals_is_refused(client, staff, funder):
    client.force_login(staff)
    url = reverse("funding:funder_invite", args=[funder.slug])
    client.post(url, {"email": "double@exemple.fr"})
    response = client.post(url, {"email": "DOUBLE@Exemple.FR"})
    assert response.status_code == 400
    assert "Une invitation est déjà en attente pour cette adresse" in page_text(response)
    assert FunderInvitation.objects.count() == 1


def test_inviting_a_reviewer_already_there_is_refused(client, staff, funder, reviewer):
    client.force_login(staff)
    response = client.post(reverse("funding:funder_invite", args=[funder.slug]),
                           {"email": reviewer.email.upper()})
    assert response.status_code == 400
    assert "déjà instructeur·rice de ce financeur" in page_text(response)
    assert not FunderInvitation.objects.exists()


def test_a_bad_address_is_refused_clearly(client, staff, funder):
    client.force_login(staff)
    response = client.post(reverse("funding:funder_invite", args=[funder.slug]),
                           {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide" in page_text(response)
    assert not FunderInvitation.objects.exists()


def test_an_expired_link_says_so_and_a_new_invitation_replaces_it(client, staff, funder,
                                                                 member_a):
    invitation, secret = funder_invitation_create(funder=funder, email="tard@exemple.fr",
                                                  by=staff)
    FunderInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1))
    client.force_login(member_a)
    url = reverse("funding:funder_invitation_accept", args=[secret])
    response = client.post(url)
    assert response.status_code == 410 and "expiré" in page_text(response)
    assert not funder.members.filter(user=member_a).exists()
    funder_invitation_create(funder=funder, email="tard@exemple.fr", by=staff)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_an_unknown_link_says_so(client):
    response = client.get(reverse("funding:funder_invitation_accept", args=["inconnu"]))
    assert response.status_code == 404 and "n'est pas valide" in page_text(response)


def test_a_reviewer_already_there_accepting_is_told_so(funder, reviewer, staff):
    _invitation, secret = funder_invitation_create(funder=funder, email="autre@exemple.fr",
                                                   by=staff)
    with pytest.raises(DomainError, match="déjà instructeur·rice"):
        funder_invitation_accept(token=secret, user=reviewer)


# Removing --------------------------------------------------------------------------------

def test_the_last_admin_is_not_removed(client, staff, funder, funder_admin):
    member = FunderMember.objects.get(user=funder_admin)
    client.force_login(staff)
    response = client.post(reverse("funding:funder_member_remove",
                                   args=[funder.slug, member.pk]))
    assert response.status_code == 409
    assert "au moins un·e administrateur·rice" in page_text(response)
    assert FunderMember.objects.filter(pk=member.pk).exists()


def test_an_admin_is_removed_when_another_remains(funder, funder_admin, staff):
    other = FunderMemberFactory(funder=funder, role=FunderMember.Role.ADMIN)
    funder_member_remove(member=FunderMember.objects.get(user=funder_admin), by=staff)
    assert list(funder.members.all()) == [other]


def test_the_admin_member_finds_the_people_page_from_the_reviews(client, funder_admin, funder):
    client.force_login(funder_admin)
    text = page_text(client.get(reverse("funding:review_list")))
    assert reverse("funding:funder_people", args=[funder.slug]) in text


def test_the_funder_pages_cost_the_same_queries_at_two_sizes(client, staff, funder):
    client.force_login(staff)
    counts = {"list": [], "people": []}
    for size in (2, 20):
        for _number in range(size):
            FunderMemberFactory(funder=FunderFactory())
            FunderMemberFactory(funder=funder)
            funder_invitation_create(funder=funder, email=f"p{_number}.{size}@exemple.fr",
                                     by=staff)
        for name, url in (("list", reverse("funding:funder_list")),
                          ("people", reverse("funding:funder_people", args=[funder.slug]))):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[name].append(len(queries))
    assert counts["list"][0] == counts["list"][1], counts
    assert counts["people"][0] == counts["people"][1], counts


@pytest.mark.parametrize("role", PEOPLE)
def test_naming_an_admin_is_for_the_admin_members_and_staff(client, funder_roles, funder, role):
    member = FunderMember.objects.get(user=funder_roles["reviewer"])
    response = as_role(client, funder_roles, role).post(
        reverse("funding:funder_member_role", args=[funder.slug, member.pk]), {"role": "admin"})
    member.refresh_from_db()
    assert (member.role == "admin") == (role in ("funder_admin", "staff"))
    assert response.status_code == (302 if role in ("anonymous", "funder_admin", "staff")
                                    else 403)


def test_the_new_admin_manages_the_people_and_the_last_admin_stays(client, staff, funder,
                                                                   reviewer, funder_admin):
    client.force_login(staff)
    admin_member = FunderMember.objects.get(user=funder_admin)
    url = reverse("funding:funder_member_role", args=[funder.slug, admin_member.pk])
    text = page_text(client.post(url, {"role": "reviewer"}, follow=True))
    assert "au moins un·e administrateur·rice" in text
    admin_member.refresh_from_db()
    assert admin_member.role == "admin"
    member = FunderMember.objects.get(user=reviewer)
    client.post(reverse("funding:funder_member_role", args=[funder.slug, member.pk]),
                {"role": "admin"})
    client.force_login(reviewer)
    assert client.get(reverse("funding:funder_people", args=[funder.slug])).status_code == 200
    bad = client.post(reverse("funding:funder_member_role", args=[funder.slug, member.pk]),
                      {"role": "chef"}, follow=True)
    assert "Rôle inconnu" in page_text(bad)


def test_the_invited_person_signs_up_even_when_sign_up_is_closed(client, settings, funder,
                                                                 staff, committed):
    settings.SIGNUP_OPEN = False
    signup = {"email": "invitee@exemple.fr", "password1": PASSWORD, "password2": PASSWORD}
    client.post("/compte/inscription/", signup)
    assert not User.objects.filter(email="invitee@exemple.fr").exists()
    _invitation, secret = funder_invitation_create(funder=funder, email="invitee@exemple.fr",
                                                   by=staff)
    client.get(reverse("funding:funder_invitation_accept", args=[secret]))
    with committed():
        client.post("/compte/inscription/", signup)
    assert User.objects.filter(email="invitee@exemple.fr").exists()
