"""Sign-up with e-mail confirmation, e-mail change, account deletion, and the first-run
path: start a collective and its cluster, or ask to join one."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.join_models import JoinRequest
from cluster.models import Cluster, Collective, Membership, User
from cluster.onboarding import account_delete, join_request_decide, join_request_send
from tests.helpers import page_text
from tests.territories.factories import CommuneFactory, EpciFactory, TerritoryFactory

NEW_PASSWORD = "un-secret-solide-2026"

pytestmark = pytest.mark.django_db


def _sign_up(client, committed, email="nouvelle@exemple.fr"):
    with committed():
        return client.post(reverse("account_signup"), {
            "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def _link(message):
    return re.search(re.escape(settings.SITE_URL) + r"(/\S+)", message.body).group(1)


def test_sign_up_asks_to_confirm_then_the_link_signs_in(client, committed):
    response = _sign_up(client, committed, "Nouvelle@Exemple.FR")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "nouvelle@exemple.fr"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle@exemple.fr"]
    # Not confirmed yet: the sign-in page refuses, saying why, and sends a new link.
    other = client.__class__()
    with committed():
        refused = other.post(reverse("login"), {"username": user.email,
                                                "password": NEW_PASSWORD})
    assert "Confirmez d'abord votre adresse e-mail" in page_text(refused)
    assert len(mail.outbox) == 1  # the sign-up's link is 1 minute old: no second one yet

    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302 and response.url == reverse("onboarding")
    assert EmailAddress.objects.get(user=user).verified
    page = client.get(reverse("onboarding"))
    assert "Je lance un cluster sur mon territoire" in page_text(page)
    assert "Je rejoins un collectif" in page_text(page)
    # Reused link: a clear message, not an error.
    reused = client.__class__().get(link)
    assert reused.status_code == 200 and "plus valable" in page_text(reused)


def test_signing_in_unconfirmed_resends_the_link_at_most_every_three_minutes(
        client, committed, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _sign_up(client, committed)
    time_machine.shift(timedelta(minutes=4))
    for _attempt in range(2):
        with committed():
            client.__class__().post(reverse("login"), {"username": "nouvelle@exemple.fr",
                                                       "password": NEW_PASSWORD})
    assert len(mail.outbox) == 2
    assert not User.objects.get().emailaddress_set.get().verified


def test_an_expired_confirmation_link_says_so(client, committed, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _sign_up(client, committed)
    link = _link(mail.outbox[0])
    time_machine.shift(timedelta(days=4))
    assert "Ce lien de confirmation n'est plus valable" in page_text(client.get(link))
    response = client.__class__().post(link)
    assert response.status_code == 404
    assert "Ce lien de confirmation n'est plus valable" in page_text(response)
    assert not EmailAddress.objects.get().verified


def test_a_second_sign_up_with_the_same_address_in_other_capitals_makes_no_account(
        client, facilitator, committed):
    response = _sign_up(client, committed, "ANIMATRICE@exemple.fr")
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="animatrice@exemple.fr").count() == 1
    # The owner is told by e-mail; the page never tells a stranger who has an account.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["animatrice@exemple.fr"]
    assert "réinitialis" in mail.outbox[0].body.lower() or "mot de passe" in \
        mail.outbox[0].body.lower()


def test_sign_up_can_be_closed_to_invitations_only(client, settings, committed):
    settings.SIGNUP_OPEN = False
    response = _sign_up(client, committed)
    assert "Inscriptions sur invitation" in page_text(response)
    assert not User.objects.exists()


def test_the_invitation_still_creates_an_account_when_sign_up_is_closed(
        client, settings, facilitator, collective_a):
    from cluster.services import invitation_accept_with_new_account, invitation_create
    settings.SIGNUP_OPEN = False
    _invitation, secret = invitation_create(collective=collective_a, by=facilitator,
                                            email="invitee@exemple.fr", role="member")
    membership = invitation_accept_with_new_account(token=secret, first_name="I",
                                                    last_name="V", password=NEW_PASSWORD)
    response = client.post(reverse("login"), {"username": "invitee@exemple.fr",
                                              "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert membership.collective == collective_a


def test_changing_the_address_waits_for_its_confirmation(client, member_a, committed):
    client.force_login(member_a)
    with committed():
        response = client.post(reverse("account_email"), {"email": "Neuve@Exemple.fr",
                                                          "action_add": ""})
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.email == "membre.a@exemple.fr"
    assert mail.outbox[-1].to == ["neuve@exemple.fr"]
    client.post(_link(mail.outbox[-1]))
    member_a.refresh_from_db()
    assert member_a.email == "neuve@exemple.fr"


# Account deletion ---------------------------------------------------------------------------

def test_the_last_facilitator_may_not_delete_the_account(client, facilitator, collective_a):
    with pytest.raises(DomainError, match="seul·e animateur·rice"):
        account_delete(user=facilitator)
    client.force_login(facilitator)
    assert "nommez d'abord" in page_text(client.get(reverse("account_delete")))
    response = client.post(reverse("account_delete"), follow=True)
    assert "seul·e animateur·rice" in page_text(response)
    facilitator.refresh_from_db()
    assert facilitator.is_active and facilitator.memberships.exists()


def test_deleting_the_account_anonymises_it_and_keeps_the_history(client, member_a, cluster):
    step = cluster.steps.first()
    client.force_login(member_a)
    step.save()  # a history row, authored below
    step.history.update(history_user=member_a)
    response = client.post(reverse("account_delete"))
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert not member_a.is_active and not member_a.has_usable_password()
    assert "exemple.fr" not in member_a.email and str(member_a) == "Compte supprimé"
    assert not member_a.memberships.exists()
    assert step.history.filter(history_user=member_a).exists()
    assert "_auth_user_id" not in client.session


# First-run path -----------------------------------------------------------------------------

@pytest.fixture
def poitiers(db):
    epci = EpciFactory(code="248600413", name="CU du Grand Poitiers")
    territory = TerritoryFactory(name="Grand Poitiers", slug="grand-poitiers")
    territory.communes.add(CommuneFactory(code="86194", name="Poitiers", epci=epci))
    return territory


@pytest.fixture
def newcomer(db):
    return User.objects.create_user(email="nouvelle@exemple.fr", password=NEW_PASSWORD)


@pytest.mark.parametrize("query", ["poitiers", "248600413", "86194", "Grand Poit"])
def test_the_territory_is_found_by_name_commune_or_siren(client, newcomer, poitiers, query):
    client.force_login(newcomer)
    form = client.get(reverse("onboarding_start"), {"q": query}).context["form"]
    assert list(form.fields["territory"].queryset) == [poitiers]


def test_a_newcomer_names_a_collective_and_starts_a_cluster_with_seven_steps(
        client, newcomer, poitiers):
    client.force_login(newcomer)
    response = client.post(reverse("onboarding_start"), {
        "collective_name": "Collectif Grand Poitiers", "territory": poitiers.pk,
        "start_date": "2026-09-01", "duration_months": 12})
    cluster = Cluster.objects.get(territory=poitiers)
    assert response.url == reverse("cluster_dashboard", args=[cluster.pk])
    assert cluster.steps.count() == 7
    assert Membership.objects.get(user=newcomer).role == Membership.Role.FACILITATOR


def test_a_refused_start_leaves_no_collective_behind(client, newcomer, poitiers):
    client.force_login(newcomer)
    response = client.post(reverse("onboarding_start"), {
        "collective_name": "Collectif Grand Poitiers", "territory": poitiers.pk,
        "start_date": "2026-09-01", "duration_months": 8})
    assert response.status_code == 400
    response = client.post(reverse("onboarding_start"), {
        "collective_name": "", "territory": poitiers.pk, "start_date": "2026-09-01",
        "duration_months": 12})
    assert "Nommez le collectif porteur" in page_text(response)
    assert not Collective.objects.exists() and not Cluster.objects.exists()


def test_a_taken_collective_name_is_refused(client, newcomer, poitiers, collective_a):
    client.force_login(newcomer)
    response = client.post(reverse("onboarding_start"), {
        "collective_name": collective_a.name.upper(), "territory": poitiers.pk,
        "start_date": "2026-09-01", "duration_months": 12})
    assert "Un collectif porte déjà ce nom" in page_text(response)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_joining_a_collective_is_asked_then_accepted_with_e_mails_both_ways(
        client, newcomer, facilitator, collective_a, committed):
    client.force_login(newcomer)
    page = client.get(reverse("collective_search"), {"q": "aix-marseille"})
    assert collective_a in page.context["collectives"]
    with committed():
        client.post(reverse("join_request_create", args=[collective_a.slug]),
                    {"message": "Je travaille à la Région."})
    assert mail.outbox[-1].to == [facilitator.email]
    assert "Je travaille à la Région." in mail.outbox[-1].body
    client.force_login(facilitator)
    join_request = JoinRequest.objects.get()
    assert join_request in client.get(
        reverse("join_request_list", args=[collective_a.slug])).context["requests"]
    with committed():
        client.post(reverse("join_request_list", args=[collective_a.slug]),
                    {"request": join_request.pk, "decision": "accept"})
    assert mail.outbox[-1].to == [newcomer.email]
    assert collective_a.memberships.filter(user=newcomer, role="member").exists()


def test_bad_join_requests_are_refused_clearly(newcomer, member_a, facilitator, collective_a):
    with pytest.raises(DomainError, match="Vous faites déjà partie"):
        join_request_send(collective=collective_a, by=member_a)
    join_request = join_request_send(collective=collective_a, by=newcomer)
    with pytest.raises(DomainError, match="attend déjà la réponse"):
        join_request_send(collective=collective_a, by=newcomer)
    assert JoinRequest.objects.count() == 1
    join_request_decide(join_request=join_request, accept=False, by=facilitator)
    with pytest.raises(DomainError, match="déjà reçu une réponse"):
        join_request_decide(join_request=join_request, accept=True, by=facilitator)
    assert not collective_a.memberships.filter(user=newcomer).exists()


def test_only_facilitators_answer_join_requests(client, member_a, member_b, collective_a):
    client.force_login(member_a)
    assert client.get(reverse("join_request_list", args=[collective_a.slug])
                      ).status_code == 403
    client.force_login(member_b)
    assert client.get(reverse("join_request_list", args=[collective_a.slug])
                      ).status_code == 404


def test_a_newcomer_home_says_what_to_do_next(client, newcomer):
    client.force_login(newcomer)
    text = page_text(client.get(reverse("home")))
    assert "Je lance un cluster sur mon territoire" in text
    assert "Je rejoins un collectif" in text


def test_a_territory_stewarded_by_another_collective_is_asked_for_not_taken(
        client, newcomer, territory_a, collective_a, facilitator, committed):
    client.force_login(newcomer)
    with committed():
        response = client.post(reverse("onboarding_start"), {
            "collective_name": "Collectif des quartiers nord", "territory": territory_a.pk,
            "start_date": "2026-09-01", "duration_months": 12})
    assert response.status_code == 302
    from cluster.models import ClusterRequest
    cluster_request = ClusterRequest.objects.get()
    assert cluster_request.collective.name == "Collectif des quartiers nord"
    assert response.url == cluster_request.get_absolute_url()
    assert list(territory_a.clusters.values_list("collective", flat=True)) == [collective_a.pk]
    assert facilitator.email in {to for message in mail.outbox for to in message.to}
