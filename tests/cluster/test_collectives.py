"""The collectif porteur: its page, invitations by e-mail, leaving and removal, member actors."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cluster.demo import labelled_territories
from cluster.errors import DomainError
from cluster.models import CollectiveActor, Invitation, Membership, User
from cluster.selectors import invitation_token_hash
from cluster.services import (
    collective_actor_add,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_leave,
    membership_remove,
    membership_set_role,
)
from territories.models import Actor
from tests.cluster.factories import CollectiveFactory, MembershipFactory
from tests.helpers import as_role, page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff", "anonymous"]
# Collective A's page: its members and staff read it, others must not learn it exists.
READ = {"facilitator": 200, "member_a": 200, "member_b": 404, "reviewer": 404, "staff": 200}
# Its facilitators and staff manage it; a plain member is told no, others learn nothing.
MANAGE = {"facilitator": 200, "member_a": 403, "member_b": 404, "reviewer": 404, "staff": 200}
SITE_URL = "https://clusters.exemple.fr"
LINK = re.compile(re.escape(SITE_URL) + r"/invitations/([A-Za-z0-9_-]+)/")
NEW_PERSON = {"first_name": "Inès", "last_name": "Moreau",
              "password1": "Tiers-lieu-du-Panier-2026", "password2": "Tiers-lieu-du-Panier-2026"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def actors(cluster):
    """Actors mapped on collective A's territory, two of them already member actors."""
    territory = cluster.territory
    cress = Actor.objects.create(territory=territory, name="CRESS PACA", kind="reseau")
    metropole = Actor.objects.create(territory=territory, name="Métropole Aix-Marseille",
                                     kind="collectivite")
    Actor.objects.create(territory=territory, name="Marseille Solutions", kind="reseau")
    CollectiveActor.objects.create(collective=cluster.collective, actor=cress,
                                   family=CollectiveActor.Family.SUPPORT)
    CollectiveActor.objects.create(collective=cluster.collective, actor=metropole,
                                   family=CollectiveActor.Family.PUBLIC)
    return Actor.objects.filter(territory=territory)


@pytest.fixture
def pending(collective_a, facilitator):
    """A pending invitation of collective A and its secret."""
    return invitation_create(collective=collective_a, email="nouvelle@exemple.fr",
                             role=Membership.Role.MEMBER, by=facilitator)


def link_of(mail):
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(0), match.group(1)


def accept_url(token):
    return reverse("invitation_accept", args=[token])


# The collective's page --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_the_collective_page_is_read_by_its_members_and_staff(client, cast, collective_a,
                                                              cluster, role):
    response = as_role(client, cast, role).get(
        reverse("collective_detail", args=[collective_a.slug]))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == READ[role]


def test_unknown_collective_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(reverse("collective_detail", args=["nulle-part"])).status_code == 404


def test_the_page_shows_people_roles_actors_by_family_and_clusters(client, facilitator,
                                                                   member_a, cluster, actors):
    client.force_login(member_a)
    text = page_text(client.get(reverse("collective_detail", args=[cluster.collective.slug])))
    assert "2 personnes" in text
    assert re.search(r"Camille Martin\s*</td>\s*<td>\s*<span[^>]*>animateur·rice", text)
    assert "membre.a@exemple.fr" not in text  # members see names, not addresses
    # Families in their order, each with its actors.
    assert text.index("Collectivité ou acteur public") < text.index("Métropole Aix-Marseille") \
        < text.index("Accompagnement") < text.index("CRESS PACA")
    assert "Marseille Solutions" not in text  # mapped, but not a member actor
    assert "2 acteurs de 2 familles" in text
    assert f'href="/clusters/{cluster.pk}/"' in text
    # A plain member neither invites nor manages.
    assert "Inviter une personne" not in text and "Retirer" not in text
    assert "Quitter le collectif" in text


@pytest.mark.parametrize("role", ["facilitator", "member_a", "staff"])
def test_pending_invitations_are_shown_to_facilitators_and_staff_only(client, cast, pending,
                                                                     role):
    client.force_login(cast[role])
    text = page_text(client.get(reverse("collective_detail", args=[pending[0].collective.slug])))
    assert ("nouvelle@exemple.fr" in text) is (role != "member_a")
    assert ("Invitations en attente" in text) is (role != "member_a")


def test_the_empty_collective_says_what_to_do_next(client, staff):
    collective = CollectiveFactory(name="Collectif naissant")
    MembershipFactory(collective=collective, role=Membership.Role.FACILITATOR)
    client.force_login(staff)
    text = page_text(client.get(reverse("collective_detail", args=[collective.slug])))
    assert "ne porte encore aucun cluster" in text
    assert "Aucun acteur membre pour l'instant" in text
    assert "Ajoutez les acteurs du territoire" in text
    assert "Aucune invitation en attente" in text
    assert "Quitter le collectif" not in text  # staff is not a member


def test_the_page_costs_the_same_queries_for_many_people_actors_and_invitations(
        client, facilitator, cluster, actors, django_assert_max_num_queries):
    collective = cluster.collective
    client.force_login(facilitator)
    url = reverse("collective_detail", args=[collective.slug])
    # Member actors come a page at a time, after their count by family.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for _number in range(30):
        MembershipFactory(collective=collective)
    for number, family in enumerate(CollectiveActor.Family.values * 2):
        actor = Actor.objects.create(territory=cluster.territory, name=f"Acteur {number}")
        CollectiveActor.objects.create(collective=collective, actor=actor, family=family)
    for number in range(8):
        invitation_create(collective=collective, email=f"invite{number}@exemple.fr",
                          role="member", by=facilitator)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert "invite7@exemple.fr" in response.text and "Acteur 15" in response.text


def test_people_are_paginated(client, staff, collective_a, facilitator):
    for number in range(55):
        MembershipFactory(collective=collective_a, user__last_name=f"Zz{number:02d}")
    client.force_login(staff)
    url = reverse("collective_detail", args=[collective_a.slug])
    first = page_text(client.get(url))
    assert "56 personnes" in first and "Page 1 sur 2" in first
    assert "Camille Martin" in first  # facilitators first
    second = page_text(client.get(url, {"page": 2}))
    assert "Zz54" in second and "Camille Martin" not in second


def test_memberships_and_the_dashboard_link_to_the_collective_page(client, facilitator,
                                                                   cluster):
    client.force_login(facilitator)
    url = reverse("collective_detail", args=[cluster.collective.slug])
    for page in [reverse("home"), reverse("profile"),
                 reverse("cluster_dashboard", args=[cluster.pk])]:
        assert f'href="{url}"' in client.get(page).text, page


# Who may do what ---------------------------------------------------------------------------------

def management_urls(collective, member_a, pending, link):
    membership = collective.memberships.get(user=member_a)
    return [
        reverse("invitation_create", args=[collective.slug]),
        reverse("invitation_revoke", args=[collective.slug, pending[0].pk]),
        reverse("membership_remove", args=[collective.slug, membership.pk]),
        reverse("collective_actor_add", args=[collective.slug]),
        reverse("collective_actor_remove", args=[collective.slug, link.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_management_pages_are_for_facilitators_and_staff(client, cast, cluster, actors,
                                                         pending, role):
    collective = cluster.collective
    urls = management_urls(collective, cast["member_a"], pending,
                           collective.actor_links.first())
    client = as_role(client, cast, role)
    for url in urls:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code == MANAGE[role], url


@pytest.mark.parametrize("role", ["member_a", "member_b", "reviewer", "anonymous"])
def test_nobody_else_changes_anything_by_posting(client, cast, cluster, actors, pending, role,
                                                 mailoutbox):
    collective = cluster.collective
    facilitator_membership = collective.memberships.get(role="facilitator")
    member_membership = collective.memberships.get(user=cast["member_a"])
    link = collective.actor_links.first()
    free_actor = actors.get(name="Marseille Solutions")
    client = as_role(client, cast, role)
    posts = [
        (reverse("invitation_create", args=[collective.slug]),
         {"email": "intrus@exemple.fr", "role": "facilitator"}),
        (reverse("invitation_resend", args=[collective.slug, pending[0].pk]), {}),
        (reverse("invitation_revoke", args=[collective.slug, pending[0].pk]), {}),
        (reverse("membership_remove", args=[collective.slug, facilitator_membership.pk]), {}),
        (reverse("membership_role", args=[collective.slug, member_membership.pk]),
         {"role": "facilitator"}),
        (reverse("collective_actor_add", args=[collective.slug]),
         {"actor": free_actor.pk, "family": "accompagnement"}),
        (reverse("collective_actor_remove", args=[collective.slug, link.pk]), {}),
    ]
    for url, data in posts:
        status = client.post(url, data).status_code
        assert status == {"anonymous": 302, "member_a": 403}.get(role, 404), url
    assert Invitation.objects.count() == 1
    pending[0].refresh_from_db()
    assert pending[0].token_hash == invitation_token_hash(pending[1])
    assert pending[0].revoked_at is None
    assert collective.memberships.filter(role="facilitator").count() == 1
    assert collective.memberships.filter(user=cast["member_a"], role="member").exists()
    assert collective.actor_links.count() == 2
    assert mailoutbox == []


def test_actions_are_post_only(client, facilitator, pending):
    client.force_login(facilitator)
    collective = pending[0].collective
    membership = collective.memberships.get(user=facilitator)
    for url in [reverse("invitation_resend", args=[collective.slug, pending[0].pk]),
                reverse("membership_role", args=[collective.slug, membership.pk])]:
        assert client.get(url).status_code == 405


def test_actions_need_the_csrf_token(facilitator, member_a, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    collective = pending[0].collective
    membership = collective.memberships.get(user=member_a)
    for url, data in [
        (reverse("invitation_create", args=[collective.slug]),
         {"email": "autre@exemple.fr", "role": "member"}),
        (reverse("invitation_revoke", args=[collective.slug, pending[0].pk]), {}),
        (reverse("membership_remove", args=[collective.slug, membership.pk]), {}),
        (reverse("collective_leave", args=[collective.slug]), {}),
    ]:
        assert client.post(url, data).status_code == 403, url
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(accept_url(pending[1]), NEW_PERSON).status_code == 403
    assert Invitation.objects.get().revoked_at is None
    assert collective.memberships.count() == 2
    assert not User.objects.filter(email="nouvelle@exemple.fr").exists()


# Invitations -------------------------------------------------------------------------------------

def test_a_facilitator_invites_by_email_and_the_mail_holds_a_one_time_link(
        client, facilitator, collective_a, committed, mailoutbox):
    client.force_login(facilitator)
    with committed():
        response = client.post(reverse("invitation_create", args=[collective_a.slug]),
                               {"email": " Nouvelle.Personne@Exemple.fr ",
                                "role": "facilitator"})
    assert response.status_code == 302
    assert response["Location"] == reverse("collective_detail", args=[collective_a.slug])
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle.personne@exemple.fr"
    assert invitation.role == Membership.Role.FACILITATOR
    assert invitation.invited_by == facilitator
    assert abs(invitation.expires_at - timezone.now() - timedelta(days=14)) < timedelta(minutes=1)

    mail = mailoutbox[0]
    assert len(mailoutbox) == 1
    assert mail.to == ["nouvelle.personne@exemple.fr"]
    assert mail.subject == "Invitation à rejoindre Collectif porteur Aix-Marseille-Provence"
    assert "Camille Martin vous invite à rejoindre le collectif porteur « Collectif porteur " \
           "Aix-Marseille-Provence » avec le rôle « animateur·rice »" in mail.body
    url, secret = link_of(mail)
    # Only the secret's hash is stored; the link is the one copy.
    assert invitation.token_hash == invitation_token_hash(secret) != secret
    assert len(secret) >= 43
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and f'href="{url}"' in html
    assert "Accepter l'invitation" in html
    assert "Invitation envoyée à nouvelle.personne@exemple.fr" in page_text(
        client.get(response["Location"]))


def test_names_are_escaped_in_the_pages_and_the_html_mail(client, facilitator, collective_a,
                                                          committed, mailoutbox):
    collective_a.name = "Collectif <b>gras</b>"
    collective_a.description = "<script>alert(1)</script>"
    collective_a.save()
    with committed():
        _invitation, secret = invitation_create(collective=collective_a, email="a@exemple.fr",
                                                role="member", by=facilitator)
    html, _mimetype = mailoutbox[0].alternatives[0]
    assert "<b>gras</b>" not in html and "&lt;b&gt;gras&lt;/b&gt;" in html
    invitation_page = client.get(accept_url(secret))
    client.force_login(facilitator)
    collective_page = client.get(reverse("collective_detail", args=[collective_a.slug]))
    for response in [invitation_page, collective_page]:
        assert "<b>gras</b>" not in response.text and "<script>alert" not in response.text
        assert "&lt;script&gt;" in response.text


def test_the_lifetime_of_an_invitation_is_a_setting(settings, collective_a, facilitator):
    settings.INVITATION_TTL_DAYS = 3
    invitation, _secret = invitation_create(collective=collective_a, email="a@exemple.fr",
                                            role="member", by=facilitator)
    assert abs(invitation.expires_at - timezone.now() - timedelta(days=3)) < timedelta(minutes=1)


def test_a_bad_invitation_lifetime_stops_start_up():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DEBUG": "true", "INVITATION_TTL_DAYS": "0"},
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "INVITATION_TTL_DAYS=0 doit être supérieur ou égal à 1" in result.stderr


def test_the_mail_leaves_only_once_the_invitation_is_saved(collective_a, facilitator,
                                                            django_capture_on_commit_callbacks,
                                                            mailoutbox):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation_create(collective=collective_a, email="a@exemple.fr", role="member",
                          by=facilitator)
    assert mailoutbox == []  # not before the commit…
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1  # …and once it is committed


@pytest.mark.parametrize("email", ["", "pas-une-adresse", "prenom@", "a b@exemple.fr",
                                   "deux@exemple.fr, trois@exemple.fr",
                                   "x" * 250 + "@exemple.fr"])
def test_bad_addresses_are_refused(client, facilitator, collective_a, committed, mailoutbox,
                                   email):
    client.force_login(facilitator)
    with committed():
        response = client.post(reverse("invitation_create", args=[collective_a.slug]),
                               {"email": email, "role": "member"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Saisissez l'adresse e-mail" in text or "Saisissez une adresse e-mail valide" in text \
        or "Assurez-vous que cette valeur comporte au plus 254 caractères" in text
    assert not Invitation.objects.exists()
    assert mailoutbox == []
    with pytest.raises(DomainError, match="adresse e-mail"):
        invitation_create(collective=collective_a, email=email, role="member", by=facilitator)


def test_an_unknown_role_is_refused(client, facilitator, collective_a, mailoutbox):
    client.force_login(facilitator)
    response = client.post(reverse("invitation_create", args=[collective_a.slug]),
                           {"email": "a@exemple.fr", "role": "superadmin"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in page_text(response)
    with pytest.raises(DomainError, match="Rôle inconnu"):
        invitation_create(collective=collective_a, email="a@exemple.fr", role="superadmin",
                          by=facilitator)
    assert not Invitation.objects.exists()


def test_inviting_a_member_is_refused(client, facilitator, member_a, committed, mailoutbox):
    client.force_login(facilitator)
    collective = member_a.collectives.get()
    with committed():
        response = client.post(reverse("invitation_create", args=[collective.slug]),
                               {"email": "MEMBRE.A@exemple.fr", "role": "member"})
    assert response.status_code == 400
    assert "Cette personne fait déjà partie du collectif." in page_text(response)
    assert not Invitation.objects.exists() and mailoutbox == []


def test_a_second_invitation_to_the_same_address_offers_to_resend(client, facilitator,
                                                                   pending, committed,
                                                                   mailoutbox):
    client.force_login(facilitator)
    collective = pending[0].collective
    with committed():
        response = client.post(reverse("invitation_create", args=[collective.slug]),
                               {"email": "NOUVELLE@exemple.fr", "role": "facilitator"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Une invitation est déjà en attente pour cette adresse" in text
    assert reverse("invitation_resend", args=[collective.slug, pending[0].pk]) in text
    assert Invitation.objects.count() == 1 and mailoutbox == []


def test_resending_sends_a_new_link_and_the_old_one_stops_working(client, facilitator,
                                                                   pending, committed,
                                                                   mailoutbox):
    invitation, old_secret = pending
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1))  # even once expired
    client.force_login(facilitator)
    with committed():
        response = client.post(reverse("invitation_resend",
                                       args=[invitation.collective.slug, invitation.pk]))
    assert response.status_code == 302
    assert "le précédent ne fonctionne plus" in page_text(client.get(response["Location"]))
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    _url, new_secret = link_of(mailoutbox[-1])
    assert new_secret != old_secret
    assert invitation.token_hash == invitation_token_hash(new_secret)
    client.logout()
    assert client.get(accept_url(old_secret)).status_code == 404
    assert client.get(accept_url(new_secret)).status_code == 200


def test_resending_is_refused_once_accepted_or_cancelled(pending, facilitator, member_b):
    invitation, secret = pending
    invitation_accept(token=secret, user=member_b)
    with pytest.raises(DomainError, match="déjà été acceptée"):
        invitation_resend(invitation=invitation, by=facilitator)
    other, _secret = invitation_create(collective=invitation.collective, email="b@exemple.fr",
                                       role="member", by=facilitator)
    invitation_revoke(invitation=other, by=facilitator)
    with pytest.raises(DomainError, match="annulée"):
        invitation_resend(invitation=other, by=facilitator)


def test_an_expired_invitation_gives_way_to_a_new_one(client, facilitator, pending, committed,
                                                      mailoutbox):
    old, _secret = pending
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(facilitator)
    with committed():
        response = client.post(reverse("invitation_create", args=[old.collective.slug]),
                               {"email": "nouvelle@exemple.fr", "role": "member"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert list(Invitation.objects.filter(revoked_at=None)) == [
        Invitation.objects.latest("pk")]
    assert page_text(client.get(response["Location"])).count(">Renvoyer<") == 1


def test_an_expired_invitation_is_marked_on_the_page(client, facilitator, pending):
    Invitation.objects.filter(pk=pending[0].pk).update(
        expires_at=timezone.now() - timedelta(days=1))
    client.force_login(facilitator)
    text = page_text(client.get(reverse("collective_detail",
                                        args=[pending[0].collective.slug])))
    assert "expirée" in text and "Renvoyer" in text


def test_cancelling_an_invitation_asks_for_confirmation(client, facilitator, pending):
    invitation, secret = pending
    client.force_login(facilitator)
    url = reverse("invitation_revoke", args=[invitation.collective.slug, invitation.pk])
    confirm = page_text(client.get(url))
    assert "Annuler cette invitation ?" in confirm and "nouvelle@exemple.fr" in confirm
    invitation.refresh_from_db()
    assert invitation.revoked_at is None  # looking changes nothing
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    again = client.post(url)
    assert again.status_code == 409
    assert "Cette invitation est déjà annulée." in page_text(again)
    client.logout()
    response = client.get(accept_url(secret))
    assert response.status_code == 410
    assert "annulée par le collectif" in page_text(response)


def test_an_accepted_invitation_cannot_be_cancelled(pending, facilitator, member_b):
    invitation_accept(token=pending[1], user=member_b)
    with pytest.raises(DomainError, match="retirez plutôt la personne"):
        invitation_revoke(invitation=pending[0], by=facilitator)


def test_another_collectives_invitation_is_not_found(client, facilitator, collective_b,
                                                    member_b, collective_a):
    invitation, _secret = invitation_create(collective=collective_b, email="b@exemple.fr",
                                            role="member", by=member_b)
    client.force_login(facilitator)
    for slug in [collective_a.slug, collective_b.slug]:
        assert client.get(reverse("invitation_revoke", args=[slug, invitation.pk])) \
            .status_code == 404
        assert client.post(reverse("invitation_resend", args=[slug, invitation.pk])) \
            .status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# Accepting ---------------------------------------------------------------------------------------

def test_the_invitation_page_shows_the_collective_the_role_and_the_invited_address(client,
                                                                                  pending):
    invitation, secret = pending
    invitation_create(collective=invitation.collective, email="autre@exemple.fr",
                      role="facilitator", by=invitation.invited_by)
    response = client.get(accept_url(secret))
    assert response.status_code == 200
    text = page_text(response)
    assert "Invitation à rejoindre Collectif porteur Aix-Marseille-Provence" in text
    assert "Camille Martin vous invite à rejoindre ce collectif porteur avec le rôle " \
           "<strong>membre</strong>" in text
    assert "nouvelle@exemple.fr" in text
    assert "autre@exemple.fr" not in text  # never another invitation
    assert f'{reverse("login")}?next={accept_url(secret)}' in text
    assert 'name="password1"' in text and 'name="password2"' in text
    assert "no-cache" in response["Cache-Control"]


def test_a_signed_in_person_accepts_with_one_button(client, member_b, pending, collective_a):
    invitation, secret = pending
    client.force_login(member_b)
    page = page_text(client.get(accept_url(secret)))
    # Another address than the invited one: the page says which one was invited.
    assert "Cette invitation a été envoyée à nouvelle@exemple.fr, et vous êtes connecté·e " \
           "avec membre.b@exemple.fr" in page
    assert "Accepter et rejoindre le collectif" in page
    response = client.post(accept_url(secret))
    assert response.status_code == 302
    assert response["Location"] == reverse("collective_detail", args=[collective_a.slug])
    membership = member_b.memberships.get(collective=collective_a)
    assert membership.role == Membership.Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_by == member_b and invitation.accepted_at is not None
    welcome = page_text(client.get(response["Location"]))
    assert "Bienvenue ! Vous avez rejoint Collectif porteur Aix-Marseille-Provence avec le " \
           "rôle « membre »" in welcome
    # The link served once.
    again = client.get(accept_url(secret))
    assert again.status_code == 410
    assert "Cette invitation a déjà été utilisée" in page_text(again)
    assert reverse("collective_detail", args=[collective_a.slug]) in again.text
    assert client.post(accept_url(secret)).status_code == 410
    assert member_b.memberships.count() == 2


def test_accepting_gives_the_invited_role(collective_a, facilitator, reviewer):
    _invitation, secret = invitation_create(collective=collective_a, email=reviewer.email,
                                            role="facilitator", by=facilitator)
    membership = invitation_accept(token=secret, user=reviewer)
    assert membership.role == Membership.Role.FACILITATOR
    assert membership.collective == collective_a


def test_a_member_cannot_accept_twice(client, member_a, pending):
    invitation, secret = pending
    client.force_login(member_a)
    assert "Vous faites déjà partie de ce collectif." in page_text(client.get(accept_url(secret)))
    response = client.post(accept_url(secret))
    assert response.status_code == 409
    assert "Vous faites déjà partie de ce collectif." in page_text(response)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still there for the person invited


def test_a_new_person_creates_an_account_on_the_invitation_page(client, pending, collective_a):
    invitation, secret = pending
    response = client.post(accept_url(secret), NEW_PERSON)
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert (user.first_name, user.last_name) == ("Inès", "Moreau")
    assert user.check_password(NEW_PERSON["password1"])
    assert user.memberships.get().collective == collective_a
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # Signed in at once.
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("api:me")).json()["email"] == "nouvelle@exemple.fr"


def test_the_new_account_takes_the_invited_address_whatever_is_posted(client, pending):
    client.post(accept_url(pending[1]), {**NEW_PERSON, "email": "pirate@exemple.fr"})
    assert User.objects.filter(email="nouvelle@exemple.fr").exists()
    assert not User.objects.filter(email="pirate@exemple.fr").exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"password2": "Autre-chose-2026"}, "Les deux mots de passe ne sont pas identiques."),
    ({"password1": "court", "password2": "court"}, "Ce mot de passe est trop court"),
    ({"password1": "123456789012", "password2": "123456789012"},
     "Ce mot de passe est entièrement numérique"),
    ({"password1": "password123", "password2": "password123"}, "Ce mot de passe est trop courant"),
    ({"password1": "nouvelle-exemple", "password2": "nouvelle-exemple"},
     "Le mot de passe est trop semblable"),
    ({"first_name": "", "last_name": ""}, "Ce champ est obligatoire."),
])
def test_a_new_account_needs_names_and_a_good_password_typed_twice(client, pending, changes,
                                                                   message):
    response = client.post(accept_url(pending[1]), {**NEW_PERSON, **changes})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not User.objects.filter(email="nouvelle@exemple.fr").exists()
    pending[0].refresh_from_db()
    assert pending[0].accepted_at is None


def test_an_existing_account_must_sign_in_instead(client, collective_a, facilitator, reviewer):
    _invitation, secret = invitation_create(collective=collective_a, email=reviewer.email,
                                            role="member", by=facilitator)
    page = page_text(client.get(accept_url(secret)))
    assert f"Un compte existe déjà pour {reviewer.email} : connectez-vous" in page
    assert 'name="password1"' not in page
    response = client.post(accept_url(secret), NEW_PERSON)
    assert response.status_code == 409
    assert "Un compte existe déjà avec cette adresse e-mail : connectez-vous" in page_text(
        response)
    assert User.objects.filter(email=reviewer.email).count() == 1
    assert not reviewer.memberships.exists()


def test_signing_in_leads_back_to_the_invitation(client, reviewer, password, pending):
    response = client.post(reverse("login"), {"username": reviewer.email, "password": password,
                                              "next": accept_url(pending[1])})
    assert response["Location"] == accept_url(pending[1])


@pytest.mark.parametrize(("state", "status", "message"), [
    ("unknown", 404, "Ce lien d'invitation n'est pas valide."),
    ("expired", 410, "Cette invitation a expiré."),
    ("used", 410, "Cette invitation a déjà été utilisée"),
    ("revoked", 410, "Cette invitation a été annulée par le collectif."),
])
@pytest.mark.parametrize("role", ["anonymous", "reviewer"])
def test_dead_links_say_why_and_change_nothing(client, cast, pending, member_b, state, status,
                                               message, role):
    invitation, secret = pending
    if state == "unknown":
        secret = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    elif state == "used":
        invitation_accept(token=secret, user=member_b)
    else:
        invitation_revoke(invitation=invitation, by=invitation.invited_by)
    client = as_role(client, cast, role)
    users = User.objects.count()
    for response in [client.get(accept_url(secret)),
                     client.post(accept_url(secret), NEW_PERSON)]:
        assert response.status_code == status
        text = page_text(response)
        assert message in text
        assert 'name="password1"' not in text
        # An unknown link names no collective.
        assert ("Aix-Marseille-Provence" in text) is (state != "unknown")
    assert User.objects.count() == users
    assert Membership.objects.filter(collective=invitation.collective).count() == \
        (3 if state == "used" else 2)


def test_an_inactive_account_cannot_accept(pending, member_b):
    member_b.is_active = False
    member_b.save()
    with pytest.raises(DomainError, match="désactivé"):
        invitation_accept(token=pending[1], user=member_b)


# Leaving, removal, roles -----------------------------------------------------------------------

@pytest.fixture
def second_facilitator(collective_a):
    return MembershipFactory(collective=collective_a, role=Membership.Role.FACILITATOR,
                             user__email="co-animateur@exemple.fr").user


def test_a_member_leaves_after_confirming(client, member_a, collective_a):
    client.force_login(member_a)
    url = reverse("collective_leave", args=[collective_a.slug])
    assert "Quitter Collectif porteur Aix-Marseille-Provence ?" in page_text(
        client.get(url))
    assert member_a.memberships.exists()
    response = client.post(url)
    assert response["Location"] == reverse("home")
    assert not member_a.memberships.exists()
    assert client.get(reverse("collective_detail", args=[collective_a.slug])).status_code == 404


def test_the_last_facilitator_cannot_leave(client, facilitator, collective_a):
    client.force_login(facilitator)
    url = reverse("collective_leave", args=[collective_a.slug])
    page = page_text(client.get(url))
    assert "il a besoin d'au moins un·e animateur·rice" in page
    assert "<form method=\"post\">" not in page
    response = client.post(url)
    assert response.status_code == 409
    assert "Le collectif a besoin d'au moins un·e animateur·rice" in page_text(response)
    assert facilitator.memberships.filter(collective=collective_a).exists()


def test_a_facilitator_leaves_when_another_remains(client, facilitator, second_facilitator,
                                                    collective_a):
    client.force_login(facilitator)
    assert client.post(reverse("collective_leave", args=[collective_a.slug])).status_code == 302
    assert not facilitator.memberships.exists()
    with pytest.raises(DomainError, match="au moins un·e animateur·rice"):
        membership_leave(membership=second_facilitator.memberships.get())


@pytest.mark.parametrize("role", ["member_b", "reviewer", "staff"])
def test_only_members_have_a_collective_to_leave(client, cast, collective_a, role):
    client.force_login(cast[role])
    assert client.get(reverse("collective_leave", args=[collective_a.slug])).status_code == 404


def test_a_facilitator_removes_a_member_after_confirming(client, facilitator, member_a,
                                                         collective_a):
    client.force_login(facilitator)
    membership = member_a.memberships.get()
    url = reverse("membership_remove", args=[collective_a.slug, membership.pk])
    page = page_text(client.get(url))
    assert "du collectif ?" in page and "membre.a@exemple.fr (membre)" in page
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("collective_detail", args=[collective_a.slug])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=member_a.pk).exists()  # the account stays


def test_the_last_facilitator_cannot_be_removed(client, staff, facilitator, collective_a):
    client.force_login(staff)
    membership = facilitator.memberships.get()
    url = reverse("membership_remove", args=[collective_a.slug, membership.pk])
    assert "il a besoin d'au moins un·e animateur·rice" in page_text(client.get(url))
    response = client.post(url)
    assert response.status_code == 409
    assert "Le collectif a besoin d'au moins un·e animateur·rice" in page_text(response)
    assert Membership.objects.filter(pk=membership.pk).exists()
    with pytest.raises(DomainError, match="au moins un·e animateur·rice"):
        membership_remove(membership=membership, by=staff)


def test_another_collectives_membership_is_not_found(client, facilitator, member_b,
                                                     collective_a):
    client.force_login(facilitator)
    membership = member_b.memberships.get()
    assert client.get(reverse("membership_remove", args=[collective_a.slug, membership.pk])) \
        .status_code == 404
    assert client.post(reverse("membership_role", args=[collective_a.slug, membership.pk]),
                       {"role": "facilitator"}).status_code == 404
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER


def test_a_facilitator_changes_roles_but_keeps_one_facilitator(client, facilitator, member_a,
                                                               collective_a):
    client.force_login(facilitator)
    own = facilitator.memberships.get()
    other = member_a.memberships.get()
    refused = client.post(reverse("membership_role", args=[collective_a.slug, own.pk]),
                          {"role": "member"}, follow=True)
    assert "Le collectif a besoin d'au moins un·e animateur·rice" in page_text(refused)
    own.refresh_from_db()
    assert own.role == Membership.Role.FACILITATOR
    promoted = client.post(reverse("membership_role", args=[collective_a.slug, other.pk]),
                           {"role": "facilitator"}, follow=True)
    assert "est maintenant animateur·rice" in page_text(promoted)
    other.refresh_from_db()
    assert other.role == Membership.Role.FACILITATOR
    # Now there are two, one may step back.
    client.post(reverse("membership_role", args=[collective_a.slug, own.pk]), {"role": "member"})
    own.refresh_from_db()
    assert own.role == Membership.Role.MEMBER
    unknown = client.post(reverse("membership_role", args=[collective_a.slug, other.pk]),
                          {"role": "chef"}, follow=True)
    assert unknown.status_code == 403  # no longer a facilitator
    with pytest.raises(DomainError, match="Rôle inconnu"):
        membership_set_role(membership=other, role="chef", by=member_a)


def test_an_unknown_role_is_refused_on_the_page(client, facilitator, member_a, collective_a):
    client.force_login(facilitator)
    membership = member_a.memberships.get()
    response = client.post(reverse("membership_role", args=[collective_a.slug, membership.pk]),
                           {"role": "chef"}, follow=True)
    assert "Rôle inconnu : choisissez animateur·rice ou membre." in page_text(response)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER


# Member actors -----------------------------------------------------------------------------------

def test_a_facilitator_adds_an_actor_of_the_collectives_territories(client, facilitator,
                                                                    cluster, actors,
                                                                    territory_b):
    elsewhere = Actor.objects.create(territory=territory_b, name="Acteur lyonnais")
    client.force_login(facilitator)
    url = reverse("collective_actor_add", args=[cluster.collective.slug])
    form = page_text(client.get(url))
    assert "Marseille Solutions (Aix-Marseille-Provence)" in form
    assert "CRESS PACA" not in form  # already a member actor
    assert "Acteur lyonnais" not in form  # another collective's territory
    solutions = actors.get(name="Marseille Solutions")
    response = client.post(url, {"actor": solutions.pk, "family": "accompagnement"})
    assert response.status_code == 302
    link = cluster.collective.actor_links.get(actor=solutions)
    assert link.family == CollectiveActor.Family.SUPPORT
    page = page_text(client.get(response["Location"]))
    assert "Marseille Solutions fait maintenant partie du collectif." in page
    assert "3 acteurs de 2 familles" in page
    refused = client.post(url, {"actor": elsewhere.pk, "family": "ess"})
    assert refused.status_code == 400
    assert "Choisissez un acteur d'un territoire du collectif." in page_text(refused)
    assert cluster.collective.actor_links.count() == 3


@pytest.mark.parametrize(("with_actor", "family", "message"), [
    (False, "ess", "Ce champ est obligatoire."),
    (True, "", "Ce champ est obligatoire."),
    (True, "banque", "Sélectionnez un choix valide"),
])
def test_an_actor_and_a_known_family_are_required(client, facilitator, cluster, actors,
                                                  with_actor, family, message):
    client.force_login(facilitator)
    data = {"family": family}
    if with_actor:
        data["actor"] = actors.get(name="Marseille Solutions").pk
    response = client.post(reverse("collective_actor_add", args=[cluster.collective.slug]),
                           data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert cluster.collective.actor_links.count() == 2


def test_the_actor_rules_hold_in_the_service(cluster, actors, territory_b):
    collective = cluster.collective
    with pytest.raises(DomainError, match="déjà partie du collectif"):
        collective_actor_add(collective=collective, actor=actors.get(name="CRESS PACA"),
                             family="ess")
    elsewhere = Actor.objects.create(territory=territory_b, name="Acteur lyonnais")
    with pytest.raises(DomainError, match="n'est pas sur le territoire d'un cluster"):
        collective_actor_add(collective=collective, actor=elsewhere, family="ess")
    with pytest.raises(DomainError, match="Famille d'acteurs inconnue"):
        collective_actor_add(collective=collective, actor=actors.get(name="Marseille Solutions"),
                             family="banque")
    assert collective.actor_links.count() == 2


def test_removing_an_actor_asks_for_confirmation(client, facilitator, cluster, actors):
    link = cluster.collective.actor_links.get(actor__name="CRESS PACA")
    client.force_login(facilitator)
    url = reverse("collective_actor_remove", args=[cluster.collective.slug, link.pk])
    assert "Retirer CRESS PACA du collectif ?" in page_text(client.get(url))
    assert CollectiveActor.objects.filter(pk=link.pk).exists()
    assert client.post(url).status_code == 302
    assert not CollectiveActor.objects.filter(pk=link.pk).exists()
    assert Actor.objects.filter(name="CRESS PACA").exists()  # still on the map


def test_with_no_actor_left_to_add_the_page_says_where_to_map_one(client, facilitator,
                                                                  cluster):
    client.force_login(facilitator)
    text = page_text(client.get(reverse("collective_actor_add",
                                        args=[cluster.collective.slug])))
    assert "Ajoutez d'abord l'acteur à la cartographie du territoire" in text
    assert reverse("territories:detail", args=[cluster.territory.slug]) in text


# Demo data ---------------------------------------------------------------------------------------

def test_the_demo_collectives_have_their_press_kit_actors(demo):
    labelled = labelled_territories()
    expected = sum(len(item["collective"]["actors"]) for item in labelled)
    assert CollectiveActor.objects.count() == expected
    marseille = CollectiveActor.objects.filter(collective__slug="aix-marseille-provence")
    assert {(link.actor.name, link.family) for link in marseille} == {
        (actor["name"], actor["family"])
        for actor in labelled[[item["slug"] for item in labelled].index(
            "aix-marseille-provence")]["collective"]["actors"]}
    # Every family of the press kit is one the platform knows.
    families = {actor["family"] for item in labelled for actor in item["collective"]["actors"]}
    assert families <= set(CollectiveActor.Family.values)
    # Each actor is on the territory of its collective's cluster.
    for link in CollectiveActor.objects.select_related("actor", "collective"):
        assert link.collective.clusters.filter(territory=link.actor.territory_id).exists()


# API ---------------------------------------------------------------------------------------------

def test_the_api_lists_members_and_actors_of_the_persons_collectives(client, facilitator,
                                                                     member_a, cluster, actors,
                                                                     collective_b):
    client.force_login(member_a)
    data = client.get(reverse("api:collective-list")).json()["results"]
    assert [item["slug"] for item in data] == [cluster.collective.slug]
    assert data[0]["members"] == [{"name": "Camille Martin", "role": "facilitator"},
                                  {"name": str(member_a), "role": "member"}]
    assert sorted((a["name"], a["family"]) for a in data[0]["actors"]) == [
        ("CRESS PACA", "accompagnement"), ("Métropole Aix-Marseille", "collectivite")]
    assert "email" not in json.dumps(data)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_detail_of_a_collective_for_every_role(client, cast, collective_a, role):
    response = as_role(client, cast, role).get(
        reverse("api:collective-detail", args=[collective_a.pk]))
    assert response.status_code == (401 if role == "anonymous" else READ[role])


def test_the_api_list_costs_the_same_queries_for_many_collectives(
        client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    territory = TerritoryFactory()
    for number in range(6):
        collective = CollectiveFactory()
        for _person in range(4):
            MembershipFactory(collective=collective)
        for family in CollectiveActor.Family.values[:3]:
            actor = Actor.objects.create(territory=territory, name=f"Acteur {number}{family}")
            CollectiveActor.objects.create(collective=collective, actor=actor, family=family)
    with django_assert_max_num_queries(6):
        data = client.get(reverse("api:collective-list")).json()
    assert data["count"] == 6
    assert all(len(item["members"]) == 4 and len(item["actors"]) == 3
               for item in data["results"])


@pytest.mark.parametrize("role", ROLES)
def test_the_api_invites_for_facilitators_only(client, cast, collective_a, committed, mailoutbox,
                                               role):
    client = as_role(client, cast, role)
    with committed():
        response = client.post(reverse("api:collective-invitations", args=[collective_a.pk]),
                               {"email": "api@exemple.fr", "role": "member"},
                               content_type="application/json")
    expected = {"anonymous": 401, "member_a": 403, "member_b": 404, "reviewer": 404,
                "facilitator": 201, "staff": 201}[role]
    assert response.status_code == expected, response.content
    if expected != 201:
        assert not Invitation.objects.exists() and mailoutbox == []
        return
    data = response.json()
    invitation = Invitation.objects.get()
    assert data == {"id": invitation.pk, "email": "api@exemple.fr", "role": "member",
                    "created_at": data["created_at"], "expires_at": data["expires_at"]}
    _url, secret = link_of(mailoutbox[0])
    assert secret not in response.content.decode()
    assert invitation.token_hash not in response.content.decode()


def test_the_api_refuses_bad_invitations_in_french(client, facilitator, member_a, pending):
    client.force_login(facilitator)
    url = reverse("api:collective-invitations", args=[pending[0].collective.pk])
    bad = client.post(url, {"email": "pas-une-adresse"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["email"] == ["Saisissez une adresse e-mail valide."]
    member = client.post(url, {"email": member_a.email}, content_type="application/json")
    assert (member.status_code, member.json()["code"]) == (409, "already_member")
    assert member.json()["detail"] == "Cette personne fait déjà partie du collectif."
    twice = client.post(url, {"email": "nouvelle@exemple.fr"}, content_type="application/json")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_invited")
    assert Invitation.objects.count() == 1


def test_the_invitations_endpoint_is_documented(client, openapi_schema):
    schema = openapi_schema
    operation = schema["paths"]["/api/collectifs/{id}/invitations/"]["post"]
    assert operation["summary"] == "Inviter une personne par e-mail"
    assert "201" in operation["responses"]
    members = schema["components"]["schemas"]["Collective"]["properties"]["members"]
    assert members["type"] == "array"
