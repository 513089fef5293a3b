"""The comité de pilotage: meetings and their decisions, the dashboard's cards, the demo."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import Engagement, SteeringDecision, SteeringMeeting
from cluster.services import steering_meeting_save
from territories.models import Actor
from tests.helpers import page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cluster, facilitator):
    return steering_meeting_save(
        meeting=SteeringMeeting(cluster=cluster), by=facilitator,
        data={"held_on": date(2026, 3, 12), "title": "Comité de lancement",
              "participants": "Métropole\nCRESS PACA", "minutes": "Tour de table."},
        decisions=[{"id": None, "text": "Retenir trois défis."},
                   {"id": None, "text": "Lancer l'appel à prototypes."}])


def visible_text(response):
    """Return the page's text without its tags, spaces collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page_text(response)))


def future(days=30):
    return timezone.localdate() + timedelta(days=days)


def management(prefix="decisions", total=3, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def meeting_data(held_on="2026-04-02", title="Comité de printemps", decisions=(), **extra):
    data = {"held_on": held_on, "title": title, "participants": "", "minutes": "",
            **management(total=max(3, len(decisions)))}
    for index, text in enumerate(decisions):
        data[f"decisions-{index}-text"] = text
    return {**data, **extra}


# The rules -----------------------------------------------------------------------------------

def test_a_meeting_is_saved_with_its_decisions_in_order(meeting, facilitator):
    assert meeting.created_by == facilitator
    assert list(meeting.decisions.values_list("text", "position")) == [
        ("Retenir trois défis.", 0), ("Lancer l'appel à prototypes.", 1)]
    assert meeting.history.first().history_user == facilitator


def test_a_future_meeting_is_planned_without_decisions(cluster, facilitator):
    planned = steering_meeting_save(meeting=SteeringMeeting(cluster=cluster), by=facilitator,
                                    data={"held_on": future(), "title": "Prochain comité"},
                                    decisions=[{"id": None, "text": "  "}])
    assert planned.pk and not planned.decisions.exists()
    with pytest.raises(DomainError, match="Les décisions s'enregistrent une fois le comité "
                                          "tenu"):
        steering_meeting_save(meeting=SteeringMeeting(cluster=cluster), by=facilitator,
                              data={"held_on": future(), "title": "Trop tôt"},
                              decisions=[{"id": None, "text": "Décider d'avance."}])
    assert not SteeringMeeting.objects.filter(title="Trop tôt").exists()


def test_a_held_meeting_with_decisions_cannot_move_to_the_future(meeting, facilitator):
    with pytest.raises(DomainError, match="une fois le comité tenu"):
        steering_meeting_save(meeting=meeting, by=facilitator,
                              data={"held_on": future()}, decisions=None)
    meeting.refresh_from_db()
    assert meeting.held_on == date(2026, 3, 12)


def test_nothing_is_half_written(meeting, facilitator):
    with pytest.raises(DomainError, match="n'appartient pas à ce comité"):
        steering_meeting_save(meeting=meeting, by=facilitator, data={"title": "Renommé"},
                              decisions=[{"id": None, "text": "Nouvelle"},
                                         {"id": 999_999, "text": "Pas à lui"}])
    assert SteeringMeeting.objects.get().title == "Comité de lancement"
    assert SteeringDecision.objects.count() == 2


# Pages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("role", "read", "write"),
    [("facilitator", 200, 200), ("member_a", 200, 403), ("member_b", 404, 404),
     ("reviewer", 404, 404), ("staff", 200, 200)],
)
def test_every_page_checks_the_role(client, cast, meeting, role, read, write):
    cluster = meeting.cluster
    client.force_login(cast[role])
    for url in [reverse("steering_list", args=[cluster.pk]),
                reverse("steering_detail", args=[cluster.pk, meeting.pk])]:
        assert client.get(url).status_code == read, url
    for url in [reverse("steering_create", args=[cluster.pk]),
                reverse("steering_update", args=[cluster.pk, meeting.pk]),
                reverse("steering_delete", args=[cluster.pk, meeting.pk])]:
        assert client.get(url).status_code == write, url
    client.post(reverse("steering_create", args=[cluster.pk]),
                meeting_data(decisions=["Ouvrir un tiers-lieu."]))
    client.post(reverse("steering_delete", args=[cluster.pk, meeting.pk]))
    allowed = write == 200
    assert SteeringMeeting.objects.filter(title="Comité de printemps").exists() is allowed
    assert SteeringMeeting.objects.filter(pk=meeting.pk).exists() is not allowed


def test_anonymous_is_sent_to_sign_in(client, meeting):
    response = client.get(reverse("steering_list", args=[meeting.cluster_id]))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_create_a_meeting_with_its_decisions_in_one_form(client, facilitator, cluster):
    client.force_login(facilitator)
    form = page_text(client.get(reverse("steering_create", args=[cluster.pk])))
    assert form.count('name="decisions-') >= 3  # empty rows ready to fill
    response = client.post(reverse("steering_create", args=[cluster.pk]), meeting_data(
        decisions=["Ouvrir un tiers-lieu.", "", "Recruter une animatrice."],
        participants="Métropole\nCRESS PACA"), follow=True)
    meeting = SteeringMeeting.objects.get()
    assert list(meeting.decisions.values_list("text", flat=True)) == [
        "Ouvrir un tiers-lieu.", "Recruter une animatrice."]
    text = page_text(response)
    assert "Le comité de pilotage est enregistré." in text
    assert "Recruter une animatrice." in text and "CRESS PACA" in text


def test_edit_changes_deletes_and_adds_decisions(client, facilitator, meeting):
    first, second = meeting.decisions.all()
    client.force_login(facilitator)
    data = {"held_on": "2026-03-12", "title": "Comité de lancement", "participants": "",
            "minutes": "", **management(total=4, initial=2),
            "decisions-0-id": first.pk, "decisions-0-text": "Retenir quatre défis.",
            "decisions-1-id": second.pk, "decisions-1-text": second.text,
            "decisions-1-DELETE": "on",
            "decisions-2-text": "Fixer la date du prochain comité."}
    response = client.post(reverse("steering_update", args=[meeting.cluster_id, meeting.pk]),
                           data)
    assert response.status_code == 302
    assert list(meeting.decisions.values_list("text", "position")) == [
        ("Retenir quatre défis.", 0), ("Fixer la date du prochain comité.", 1)]
    detail = page_text(client.get(reverse("steering_detail",
                                          args=[meeting.cluster_id, meeting.pk])))
    assert "Retenir quatre défis." in detail and "Lancer l'appel" not in detail
    kept = meeting.decisions.first()
    cleared = client.post(reverse("steering_update", args=[meeting.cluster_id, meeting.pk]), {
        "held_on": "2026-03-12", "title": "Comité de lancement", "participants": "",
        "minutes": "", **management(total=1, initial=1), "decisions-0-id": kept.pk,
        "decisions-0-text": ""})
    assert cleared.status_code == 302
    assert not meeting.decisions.exists()  # emptying a decision removes it


def test_decisions_of_a_future_meeting_are_refused_in_french(client, facilitator, cluster):
    client.force_login(facilitator)
    url = reverse("steering_create", args=[cluster.pk])
    refused = client.post(url, meeting_data(held_on=future().isoformat(),
                                            decisions=["Décider d'avance."]))
    assert refused.status_code == 400
    assert "Les décisions s'enregistrent une fois le comité tenu" in page_text(refused)
    assert not SteeringMeeting.objects.exists()
    planned = client.post(url, meeting_data(held_on=future().isoformat()), follow=True)
    assert "prévu" in page_text(planned)
    assert SteeringMeeting.objects.count() == 1


def test_bad_inputs_are_refused_in_french(client, facilitator, cluster):
    client.force_login(facilitator)
    url = reverse("steering_create", args=[cluster.pk])
    empty = client.post(url, meeting_data(held_on="", title=""))
    assert empty.status_code == 400
    assert page_text(empty).count("Ce champ est obligatoire.") == 2
    bad_date = client.post(url, meeting_data(held_on="32/13/2026"))
    assert "Saisissez une date valide." in page_text(bad_date)
    too_long = client.post(url, meeting_data(decisions=["x" * 2001]))
    assert "Assurez-vous que cette valeur comporte au plus 2000 caractères" in \
        page_text(too_long)
    assert not SteeringMeeting.objects.exists()


def test_list_is_newest_first_with_decision_counts_in_constant_queries(
        client, member_a, cluster, facilitator, django_assert_max_num_queries):
    def grow(count, start):
        for n in range(count):
            meeting = SteeringMeeting.objects.create(
                cluster=cluster, held_on=date(2025, 1, 1) + timedelta(days=start + n),
                title=f"Comité {start + n}")
            SteeringDecision.objects.bulk_create(
                SteeringDecision(meeting=meeting, text=f"Décision {k}", position=k)
                for k in range(n % 3))

    client.force_login(member_a)
    url = reverse("steering_list", args=[cluster.pk])
    grow(3, 0)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    grow(30, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    meetings = list(response.context["page"].object_list)
    assert len(meetings) == 20
    assert meetings[0].title == "Comité 39"
    assert [m.held_on for m in meetings] == sorted((m.held_on for m in meetings), reverse=True)
    assert {m.title: m.decision_count for m in meetings}["Comité 39"] == (39 - 10) % 3
    assert "Ajouter un comité" not in page_text(response)


def test_empty_list_says_what_to_do(client, facilitator, cluster):
    client.force_login(facilitator)
    text = page_text(client.get(reverse("steering_list", args=[cluster.pk])))
    assert "Aucun comité de pilotage enregistré pour l'instant." in text
    assert "Planifiez le prochain comité" in text


def test_detail_shows_the_history_of_the_meeting(client, facilitator, meeting):
    client.force_login(facilitator)
    url = reverse("steering_update", args=[meeting.cluster_id, meeting.pk])
    first, second = meeting.decisions.all()
    client.post(url, {"held_on": "2026-03-13", "title": "Comité de lancement (reporté)",
                      "participants": "", "minutes": "", **management(total=2, initial=2),
                      "decisions-0-id": first.pk, "decisions-0-text": first.text,
                      "decisions-1-id": second.pk, "decisions-1-text": second.text})
    text = page_text(client.get(reverse("steering_detail",
                                        args=[meeting.cluster_id, meeting.pk])))
    assert "Camille Martin : modification" in text
    assert "Objet : Comité de lancement → Comité de lancement (reporté)" in text
    assert "Date : 12/03/2026 → 13/03/2026" in text


def test_delete_asks_for_confirmation(client, facilitator, meeting):
    client.force_login(facilitator)
    url = reverse("steering_delete", args=[meeting.cluster_id, meeting.pk])
    assert "Le comité et ses 2 décision(s) disparaîtront." in page_text(client.get(url))
    assert SteeringMeeting.objects.exists()
    client.post(url)
    assert not SteeringMeeting.objects.exists() and not SteeringDecision.objects.exists()


# API -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("role", "seen", "create", "change"),
    [("facilitator", 1, 201, 200), ("member_a", 1, 403, 403), ("member_b", 0, 403, 404),
     ("reviewer", 0, 403, 404), ("staff", 1, 201, 200)],
)
def test_api_checks_every_role(client, cast, meeting, role, seen, create, change):
    client.force_login(cast[role])
    listing = client.get("/api/comites/")
    assert listing.status_code == 200 and listing.json()["count"] == seen
    created = client.post("/api/comites/", {
        "cluster": meeting.cluster_id, "held_on": "2026-05-04", "title": "Comité de mai",
        "decisions": [{"text": "Ouvrir le tiers-lieu."}]}, content_type="application/json")
    assert created.status_code == create
    if create == 201:
        assert [d["text"] for d in created.json()["decisions"]] == ["Ouvrir le tiers-lieu."]
        assert created.json()["created_by"] == str(cast[role])
    url = f"/api/comites/{meeting.pk}/"
    changed = client.patch(url, {"title": "Renommé"}, content_type="application/json")
    assert changed.status_code == change
    if change == 200:
        assert len(changed.json()["decisions"]) == 2  # absent decisions: left as they are
    assert client.delete(url).status_code == (204 if change == 200 else change)


def test_api_replaces_the_decisions_and_refuses_those_of_a_future_meeting(client, facilitator,
                                                                           meeting):
    client.force_login(facilitator)
    first = meeting.decisions.first()
    url = f"/api/comites/{meeting.pk}/"
    response = client.patch(url, {"decisions": [{"text": "Nouvelle décision."},
                                                {"id": first.pk, "text": "Modifiée."}]},
                            content_type="application/json")
    assert response.status_code == 200
    assert [(d["text"], d["position"]) for d in response.json()["decisions"]] == [
        ("Nouvelle décision.", 0), ("Modifiée.", 1)]
    assert meeting.decisions.count() == 2
    moved = client.patch(url, {"held_on": future().isoformat()}, content_type="application/json")
    assert moved.status_code == 400
    assert moved.json()["code"] == "decisions_before_meeting"
    assert set(moved.json()) == {"detail", "code"}
    created = client.post("/api/comites/", {
        "cluster": meeting.cluster_id, "held_on": future().isoformat(), "title": "À venir",
        "decisions": [{"text": "Trop tôt."}]}, content_type="application/json")
    assert created.status_code == 400
    assert created.json()["detail"].startswith("Les décisions s'enregistrent une fois")
    missing = client.post("/api/comites/", {"cluster": meeting.cluster_id},
                          content_type="application/json")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"held_on", "title"}
    assert SteeringMeeting.objects.count() == 1


def test_api_list_filters_by_cluster_in_constant_queries(client, staff, cluster, territory_b,
                                                         django_assert_max_num_queries):
    def grow(count):
        for n in range(count):
            meeting = SteeringMeeting.objects.create(cluster=cluster, held_on=date(2026, 1, 1),
                                                     title=f"Comité {n}")
            SteeringDecision.objects.create(meeting=meeting, text="Décision")

    SteeringMeeting.objects.create(cluster=territory_b.clusters.get(), held_on=date(2026, 1, 1),
                                   title="Ailleurs")
    client.force_login(staff)
    grow(2)
    with django_assert_max_num_queries(10) as few:
        client.get(f"/api/comites/?cluster={cluster.pk}")
    grow(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/api/comites/?cluster={cluster.pk}")
    assert response.json()["count"] == 32
    assert client.get("/api/comites/?held_after=2026-01-02").json()["count"] == 0


# The dashboard -------------------------------------------------------------------------------

def test_dashboard_shows_engaged_companies_the_last_comite_and_cooperation_territories(
        client, member_a, cluster, meeting, facilitator, territory_a):
    company = Actor.objects.create(territory=territory_a, name="Primeurs", kind=Actor.Kind.PME)
    Engagement.objects.create(cluster=cluster, company=company, size="pme", kind="mentorat",
                              value=Decimal("12500"))
    Engagement.objects.create(cluster=cluster, company=company, size="pme",
                              kind="partenariat")
    steering_meeting_save(meeting=SteeringMeeting(cluster=cluster), by=facilitator,
                          data={"held_on": future(), "title": "Comité d'automne"},
                          decisions=[])
    territory_a.cooperation_territories.add(
        TerritoryFactory(name="Quartiers Nord", slug="quartiers-nord"),
        TerritoryFactory(name="Vallée de l'Huveaune", slug="huveaune", is_published=False))
    client.force_login(member_a)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    text = visible_text(response)
    assert "2 engagements" in text and "12\u202f500\xa0€ de valeur totale" in text
    assert "Dernier comité : Comité de lancement" in text and "2 décisions" in text
    assert "Prochain comité : Comité d'automne" in text
    assert 'href="/territoires/quartiers-nord/"' in page_text(response)
    assert "Vallée de l'Huveaune (brouillon)" in text


def test_dashboard_empty_cards_say_what_to_do(client, facilitator, cluster):
    client.force_login(facilitator)
    text = page_text(client.get(reverse("cluster_dashboard", args=[cluster.pk])))
    assert "Aucune entreprise engagée pour l'instant : le label en demande." in text
    assert "Aucun comité tenu pour l'instant." in text
    assert "Le label demande au moins un territoire de coopération prioritaire" in text


def test_dashboard_cards_keep_a_constant_number_of_queries(
        client, staff, cluster, territory_a, django_assert_max_num_queries):
    def grow(count):
        for n in range(count):
            company = Actor.objects.create(territory=territory_a, name=f"E{n}",
                                           kind=Actor.Kind.TPE)
            Engagement.objects.create(cluster=cluster, company=company, size="tpe",
                                      kind="mentorat", value=n)
            meeting = SteeringMeeting.objects.create(cluster=cluster, held_on=date(2026, 1, 1),
                                                     title=f"C{n}")
            SteeringDecision.objects.create(meeting=meeting, text="D")
            territory_a.cooperation_territories.add(TerritoryFactory())

    client.force_login(staff)
    url = reverse("cluster_dashboard", args=[cluster.pk])
    grow(1)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    grow(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# The demo ------------------------------------------------------------------------------------

def test_demo_gives_aix_marseille_engaged_companies_and_a_past_comite(demo):
    engagements = Engagement.objects.filter(cluster__territory__slug="aix-marseille-provence")
    assert engagements.count() == 3
    assert {e.size for e in engagements} == {"tpe", "pme", "grand_groupe"}
    assert all(e.company.territory.slug == "aix-marseille-provence" for e in engagements)
    assert engagements.get(kind="mecenat_competences").value == 24000
    meeting = SteeringMeeting.objects.get(cluster__territory__slug="aix-marseille-provence",
                                          title__startswith="Comité de pilotage — bilan")
    assert meeting.held_on <= timezone.localdate()
    assert meeting.decisions.count() == 3
    assert meeting.created_by.email == "animatrice@demo.local"
