"""The national team and the network: blockers' e-mails both ways, and the back office of
masterclasses and company networks (every role, bad input, empty states, query counts)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import Challenge, CompanyNetwork, Engagement, Masterclass
from cluster.services.network import blocker_raise, blocker_track, masterclass_join
from cluster.services.network_staff import masterclass_cancel, masterclass_save
from territories.models import Actor, Theme
from tests.cluster.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://clusters.exemple.fr"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def challenge(cluster):
    return Challenge.objects.create(cluster=cluster, title="Cantines en circuits courts")


@pytest.fixture
def blocker(cluster, challenge, facilitator):
    return blocker_raise(cluster=cluster, challenge=challenge, rule="Code de la commande "
                         "publique", text="Le seuil empêche d'acheter local.", by=facilitator)


def _future(days=10):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def masterclass(db):
    return Masterclass.objects.create(title="Financer un tiers-lieu", starts_at=_future(),
                                      place="En ligne")


# Blockers' e-mails ----------------------------------------------------------------------------

def test_a_blocker_raised_e_mails_the_national_team_only(cluster, challenge, facilitator,
                                                         member_a, staff, committed):
    UserFactory(email="ancienne.coordination@exemple.fr", is_staff=True, is_active=False)
    with committed():
        blocker = blocker_raise(cluster=cluster, challenge=challenge, rule="Code <b>rural</b>",
                                text="Un bail qui bloque.", by=facilitator)
    [message] = mail.outbox
    assert message.to == [staff.email]
    assert cluster.territory.name in message.subject
    link = f"{SITE}{reverse('national_blocker_track', args=[blocker.pk])}"
    assert link in message.body and link in message.alternatives[0][0]
    assert "Code <b>rural</b>" in message.body
    assert "Code &lt;b&gt;rural&lt;/b&gt;" in message.alternatives[0][0]


def test_a_refused_blocker_sends_nothing(cluster, challenge, facilitator, staff, committed):
    with committed(), pytest.raises(DomainError):
        blocker_raise(cluster=cluster, challenge=challenge, rule=" ", text="x", by=facilitator)
    assert mail.outbox == []


@pytest.mark.parametrize(("status", "fields", "words"), [
    ("instruit", {}, "instruit"),
    ("sans_suite", {}, "ne le poursuit pas"),
])
def test_each_status_change_e_mails_the_territory_s_facilitators(
        blocker, facilitator, facilitator_b, member_a, committed, status, fields, words):
    mail.outbox.clear()
    with committed():
        blocker_track(blocker=blocker, status=status, **fields)
    [message] = mail.outbox
    assert message.to == [facilitator.email]
    assert words in message.body
    assert f"{SITE}{reverse('cluster_network', args=[blocker.cluster_id])}" in message.body


def test_the_sponsor_and_the_public_summary_are_in_the_e_mails(blocker, facilitator,
                                                               committed):
    blocker_track(blocker=blocker, status="instruit")
    mail.outbox.clear()
    with committed():
        blocker_track(blocker=blocker, status="parraine", sponsor="Mme la préfète")
        blocker_track(blocker=blocker, status="leve", public_summary="Seuil relevé.")
    sponsored, lifted = mail.outbox
    assert "parrainé par Mme la préfète" in sponsored.body
    assert "parrainé" in sponsored.subject
    assert "Seuil relevé." in lifted.body and "levé" in lifted.subject


def test_a_refused_status_change_sends_nothing(blocker, committed):
    mail.outbox.clear()
    with committed(), pytest.raises(DomainError):
        blocker_track(blocker=blocker, status="leve", public_summary="")
    assert mail.outbox == []


def test_the_pages_send_the_same_e_mails(client, cluster, challenge, facilitator, staff,
                                         committed):
    client.force_login(facilitator)
    with committed():
        client.post(reverse("blocker_create", args=[cluster.pk]), {
            "challenge": challenge.pk, "rule": "Règle", "text": "Frein"})
    assert [message.to for message in mail.outbox] == [[staff.email]]
    blocker = cluster.blockers.get()
    client.force_login(staff)
    with committed():
        client.post(reverse("national_blocker_track", args=[blocker.pk]), {"status": "instruit"})
    assert mail.outbox[-1].to == [facilitator.email]


# The masterclasses' back office ---------------------------------------------------------------

STAFF_PAGES = ["national_masterclass_list", "national_masterclass_create",
               "national_company_network_list", "national_company_network_create"]


@pytest.mark.parametrize("role", ["facilitator", "member_a", "facilitator_b", "member_b",
                                  "reviewer", "staff", None])
def test_only_the_national_team_opens_the_back_office(client, people, masterclass, role):
    network = CompanyNetwork.objects.create(name="Réseau")
    if role:
        client.force_login(people[role])
    urls = [reverse(name) for name in STAFF_PAGES] + [
        reverse(name, args=[masterclass.pk]) for name in (
            "national_masterclass_detail", "national_masterclass_update",
            "national_masterclass_cancel")] + [
        reverse(name, args=[network.pk]) for name in (
            "national_company_network_update", "national_company_network_delete")]
    for url in urls:
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/connexion" in response.url or \
                "login" in response.url
        else:
            assert response.status_code == (200 if role == "staff" else 403), url
    # Nothing changes on a POST either.
    if role != "staff":
        client.post(reverse("national_masterclass_cancel", args=[masterclass.pk]))
        client.post(reverse("national_company_network_delete", args=[network.pk]))
        assert Masterclass.objects.exists() and CompanyNetwork.objects.exists()


def test_the_empty_back_office_lists_say_what_to_do(client, staff):
    client.force_login(staff)
    page = client.get(reverse("national_masterclass_list")).content.decode()
    assert "Annoncez la première" in page
    page = client.get(reverse("national_company_network_list")).content.decode()
    assert "Aucun réseau d'entreprises. Ajoutez-en un" in page


def test_staff_announce_edit_and_see_the_participants(client, staff, member_b):
    client.force_login(staff)
    starts = timezone.localtime(_future()).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("national_masterclass_create"), {
        "title": "Mobilité douce en rural", "theme": "mobilite-douce", "starts_at": starts,
        "place": "Visio", "description": ""})
    masterclass = Masterclass.objects.get()
    assert response.url == reverse("national_masterclass_detail", args=[masterclass.pk])
    masterclass_join(masterclass=masterclass, user=member_b)
    detail = client.get(response.url).content.decode()
    assert member_b.email in detail and "1 inscrit·e" in detail
    edit = reverse("national_masterclass_update", args=[masterclass.pk])
    assert "Mobilité douce en rural" in client.get(edit).content.decode()
    client.post(edit, {"title": "Vélo en rural", "starts_at": starts, "place": "Visio"})
    masterclass.refresh_from_db()
    assert (masterclass.title, masterclass.theme) == ("Vélo en rural", None)


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "x", "starts_at": "2020-01-01T10:00", "place": "Visio"}, "date et une heure à"),
    ({"title": "x", "starts_at": "demain", "place": "Visio"}, "Saisissez"),
    ({"title": "x", "starts_at": "", "place": "Visio"}, "obligatoire"),
    ({"title": "x\x00", "starts_at": "", "place": "Visio"}, "caractère"),
    ({"title": "  ", "starts_at": "2030-01-01T10:00", "place": "Visio"}, "obligatoire"),
    ({"title": "x", "starts_at": "2030-01-01T10:00", "place": "V", "theme": "pas-un-theme"},
     "Sélectionnez un choix valide"),
])
def test_a_bad_masterclass_form_is_a_400_that_says_why(client, staff, data, message):
    client.force_login(staff)
    response = client.post(reverse("national_masterclass_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Masterclass.objects.exists()


def test_cancelling_asks_first_then_tells_the_participants(client, staff, masterclass,
                                                           member_a, member_b, committed):
    for person in (member_a, member_b):
        masterclass_join(masterclass=masterclass, user=person)
    client.force_login(staff)
    url = reverse("national_masterclass_cancel", args=[masterclass.pk])
    page = client.get(url).content.decode()
    assert "Annuler « Financer un tiers-lieu » ?" in page and "2 inscrit·e(s)" in page
    assert Masterclass.objects.exists()
    with committed():
        response = client.post(url)
    assert response.url == reverse("national_masterclass_list")
    assert not Masterclass.objects.exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [member_a.email, member_b.email])
    assert "Financer un tiers-lieu" in mail.outbox[0].subject
    assert f"{SITE}{reverse('masterclass_list')}" in mail.outbox[0].body


def test_a_past_masterclass_is_neither_edited_nor_cancelled(client, staff, masterclass):
    Masterclass.objects.filter(pk=masterclass.pk).update(
        starts_at=timezone.now() - timedelta(days=1))
    masterclass.refresh_from_db()
    with pytest.raises(DomainError, match="déjà eu lieu"):
        masterclass_cancel(masterclass=masterclass)
    with pytest.raises(DomainError, match="déjà eu lieu"):
        masterclass_save(masterclass=masterclass, title="x", starts_at=_future(), place="x")
    client.force_login(staff)
    response = client.post(reverse("national_masterclass_cancel", args=[masterclass.pk]))
    assert response.status_code == 409 and "déjà eu lieu" in response.content.decode()
    assert "elle reste dans l'historique" in client.get(reverse(
        "national_masterclass_detail", args=[masterclass.pk])).content.decode()


def test_wrong_ids_are_404s(client, staff):
    client.force_login(staff)
    for url in ("/gestion/masterclasses/abc/", "/gestion/masterclasses/999999/",
                "/gestion/masterclasses/999999/annuler/",
                "/gestion/reseaux-entreprises/999999/supprimer/",
                "/gestion/reseaux-entreprises/1.5/modifier/"):
        assert client.get(url).status_code == 404, url


# The company networks' back office ------------------------------------------------------------

def _engage(cluster, network):
    company = Actor.objects.create(territory=cluster.territory, name="Scop du Port",
                                   kind="entreprise")
    return Engagement.objects.create(cluster=cluster, company=company, size="pme",
                                     kind="mentorat", network=network)


def test_staff_add_rename_and_delete_a_network(client, staff):
    client.force_login(staff)
    client.post(reverse("national_company_network_create"),
                {"name": "Les entreprises s'engagent", "description": "Un club national"})
    network = CompanyNetwork.objects.get()
    page = client.get(reverse("national_company_network_list")).content.decode()
    assert "Les entreprises s&#x27;engagent" in page
    client.post(reverse("national_company_network_update", args=[network.pk]),
                {"name": "Club des entreprises engagées"})
    network.refresh_from_db()
    assert (network.name, network.description) == ("Club des entreprises engagées", "")
    url = reverse("national_company_network_delete", args=[network.pk])
    assert "Supprimer le réseau « Club des entreprises engagées » ?" in client.get(url) \
        .content.decode()
    assert client.post(url).status_code == 302
    assert not CompanyNetwork.objects.exists()


@pytest.mark.parametrize("name", ["  ", "réseau a", "x" * 201, "a\x00b"])
def test_a_network_needs_a_name_of_its_own(client, staff, name):
    CompanyNetwork.objects.create(name="Réseau A")
    client.force_login(staff)
    response = client.post(reverse("national_company_network_create"), {"name": name})
    assert response.status_code == 400
    assert CompanyNetwork.objects.count() == 1


def test_a_network_still_linked_to_engaged_companies_is_not_deleted(client, staff, cluster):
    network = CompanyNetwork.objects.create(name="Réseau A")
    _engage(cluster, network)
    client.force_login(staff)
    url = reverse("national_company_network_delete", args=[network.pk])
    assert "1 entreprise(s) engagée(s) y sont encore reliées" in client.get(url) \
        .content.decode()
    response = client.post(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Suppression impossible : 1 entreprise engagée (« Scop du Port — mentorat »)" \
        in page
    assert CompanyNetwork.objects.filter(pk=network.pk).exists()


def test_the_back_office_lists_take_constant_queries(client, staff, cluster, member_b):
    client.force_login(staff)
    theme = Theme.objects.national().first()

    def grow(count):
        for number in range(count):
            masterclass = Masterclass.objects.create(
                title=f"M{number}", starts_at=_future(number + 1), place="x", theme=theme)
            masterclass.participants.add(member_b)
            _engage(cluster, CompanyNetwork.objects.create(name=f"R{number}-{count}"))

    def counts():
        result = []
        for name in ("national_masterclass_list", "national_company_network_list"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            result.append(len(queries))
        masterclass = Masterclass.objects.first()
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("national_masterclass_detail", args=[masterclass.pk]))
        return [*result, len(queries)]

    grow(2)
    small = counts()
    grow(12)
    assert counts() == small
    assert max(small) <= 15


@pytest.mark.parametrize("role", ["facilitator", "member_a", "reviewer", "staff", None])
def test_the_public_lists_lead_the_national_team_to_the_back_office(client, people, role):
    if role:
        client.force_login(people[role])
    for public, back_office in (("masterclass_list", "national_masterclass_list"),
                                ("company_network_list", "national_company_network_list")):
        page = client.get(reverse(public)).content.decode()
        assert (f'href="{reverse(back_office)}"' in page) == (role == "staff")
