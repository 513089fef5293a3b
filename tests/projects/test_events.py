"""Events (step 5): organising them, registering, the waiting list, attendance, the API."""

import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import Challenge
from projects.models import Event, Project, Registration
from projects.services import (
    event_create,
    event_delete,
    event_update,
    registration_cancel,
    registration_cancel_token,
    registration_create,
    registration_set_attendance,
)
from territories.models import Place
from tests.helpers import as_role, page_text
from tests.projects.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff", "anonymous"]


@pytest.fixture
def place(territory_a):
    return Place.objects.create(territory=territory_a, name="La Friche la Belle de Mai",
                                address="41 rue Jobin, 13003 Marseille", is_published=True)


@pytest.fixture
def event(cluster):
    return EventFactory(cluster=cluster, title="Forum de l'innovation sociale", capacity=3)


@pytest.fixture
def draft(cluster):
    return EventFactory(cluster=cluster, title="Atelier en préparation", is_published=False)


@pytest.fixture(autouse=True)
def _after_commit_work_runs_at_once(monkeypatch):
    """Tests run in a transaction that never commits: run the e-mails queued on commit now."""
    monkeypatch.setattr("django.db.transaction.on_commit",
                        lambda func, using=None, robust=False: func())


def in_days(days, hour=14):
    """Return `hour` o'clock, Paris time, `days` from today (read from the test's clock)."""
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def hours_from_now(hours):
    """Return the instant `hours` from now: "begun an hour ago" whatever the hour of the day."""
    return timezone.now() + timedelta(hours=hours)


def cancel_link(message):
    return re.search(r"http://\S+/projets/inscriptions/(\S+)/annuler/", message.body)


# Organising an event ------------------------------------------------------------------------

def test_slugs_are_unique_and_taken_from_the_title(cluster):
    fields = {"starts_at": in_days(10), "ends_at": in_days(10, hour=18), "capacity": 20,
              "address": "Marseille"}
    first = event_create(cluster=cluster, title="Forum de l'été", **fields)
    second = event_create(cluster=cluster, title="Forum de l'été", **fields)
    assert (first.slug, second.slug) == ("forum-de-lete", "forum-de-lete-2")
    assert first.get_absolute_url() == "/projets/evenements/forum-de-lete/"


@pytest.mark.parametrize(("change", "message"), [
    ({"ends_at": lambda: in_days(10, hour=9)}, "La fin de l'évènement doit suivre son début."),
    ({"capacity": 0}, "Un évènement accueille au moins une personne."),
    ({"address": " "}, "Indiquez un lieu du territoire ou une adresse."),
    ({"title": "  "}, "Donnez un titre à l'évènement."),
])
def test_an_event_the_rules_refuse_is_not_written(cluster, change, message):
    # Dates are computed in the test, under its clock, not when the module is collected.
    change = {name: value() if callable(value) else value for name, value in change.items()}
    fields = {"title": "Forum", "starts_at": in_days(10), "ends_at": in_days(10, hour=18),
              "capacity": 20, "address": "Marseille", **change}
    with pytest.raises(DomainError, match=message):
        event_create(cluster=cluster, **fields)
    assert not Event.objects.exists()


def test_place_and_projects_must_be_the_clusters(cluster, cluster_b, territory_b):
    elsewhere = Place.objects.create(territory=territory_b, name="Tiers-lieu lyonnais")
    challenge = Challenge.objects.create(cluster=cluster_b, title="Défi lyonnais")
    foreign = Project.objects.create(cluster=cluster_b, challenge=challenge, title="Projet B",
                                     slug="projet-b", summary="…")
    fields = {"title": "Forum", "starts_at": in_days(10), "ends_at": in_days(10, hour=18),
              "capacity": 20, "address": "Marseille"}
    with pytest.raises(DomainError, match="pas sur le territoire du cluster"):
        event_create(cluster=cluster, place=elsewhere, **fields)
    with pytest.raises(DomainError, match="Seuls les projets du cluster"):
        event_create(cluster=cluster, projects=[foreign], **fields)
    assert not Event.objects.exists()


@pytest.mark.parametrize(("role", "list_status", "manage_status"), [
    ("facilitator", 200, 200), ("member_a", 200, 403), ("member_b", 404, 404),
    ("reviewer", 404, 404), ("staff", 200, 200),
])
def test_every_organising_page_checks_the_role(client, cast, cluster, event, role,
                                               list_status, manage_status):
    as_role(client, cast, role)
    assert client.get(reverse("projects:event_list", args=[cluster.pk])).status_code \
        == list_status
    for name in ("event_manage", "event_update", "event_delete"):
        url = reverse(f"projects:{name}", args=[cluster.pk, event.pk])
        assert client.get(url).status_code == manage_status, name
    assert client.get(reverse("projects:event_create", args=[cluster.pk])).status_code \
        == manage_status
    client.post(reverse("projects:event_create", args=[cluster.pk]), {
        "title": "Nouvel évènement", "starts_at": "2030-03-16T14:00",
        "ends_at": "2030-03-16T18:00", "address": "Marseille", "capacity": "10"})
    assert Event.objects.filter(title="Nouvel évènement").exists() is (manage_status == 200)
    client.post(reverse("projects:event_delete", args=[cluster.pk, event.pk]))
    assert Event.objects.filter(pk=event.pk).exists() is (manage_status != 200)


def test_anonymous_is_sent_to_sign_in_for_the_organising_pages(client, cluster, event):
    for url in (reverse("projects:event_list", args=[cluster.pk]),
                reverse("projects:event_manage", args=[cluster.pk, event.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_an_event_of_another_cluster_is_not_found_through_this_one(client, staff, cluster,
                                                                   cluster_b):
    other = EventFactory(cluster=cluster_b)
    client.force_login(staff)
    url = reverse("projects:event_manage", args=[cluster.pk, other.pk])
    assert client.get(url).status_code == 404


def test_facilitator_creates_an_event_with_a_place_and_projects(client, facilitator, cluster,
                                                                place):
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille")
    project = Project.objects.create(cluster=cluster, challenge=challenge, title="Jardins",
                                     slug="jardins", summary="…")
    client.force_login(facilitator)
    page = client.get(reverse("projects:event_create", args=[cluster.pk]))
    assert 'type="datetime-local"' in page_text(page)
    assert "La Friche la Belle de Mai" in page_text(page)
    response = client.post(reverse("projects:event_create", args=[cluster.pk]), {
        "title": "Forum de l'innovation sociale", "starts_at": "2030-03-16T09:30",
        "ends_at": "2030-03-16T17:30", "place": place.pk, "programme": "Accueil",
        "capacity": "120", "projects": [project.pk], "is_published": "on"})
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:event_manage", args=[cluster.pk, event.pk])
    assert (event.slug, event.place, event.capacity, event.is_published) == (
        "forum-de-linnovation-sociale", place, 120, True)
    assert timezone.localtime(event.starts_at) == datetime(2030, 3, 16, 9, 30, tzinfo=PARIS)
    assert list(event.projects.all()) == [project]


@pytest.mark.parametrize(("change", "message"), [
    ({"ends_at": "2030-03-16T08:00"}, "La fin de l'évènement doit suivre son début."),
    ({"capacity": "0"}, "Un évènement accueille au moins une personne."),
    ({"address": ""}, "Indiquez un lieu du territoire ou une adresse."),
    ({"starts_at": "demain"}, "Saisissez une date et une heure valides."),
])
def test_bad_event_forms_say_what_is_wrong_and_write_nothing(client, facilitator, cluster,
                                                             change, message):
    client.force_login(facilitator)
    data = {"title": "Forum", "starts_at": "2030-03-16T09:30", "ends_at": "2030-03-16T17:30",
            "address": "Marseille", "capacity": "10", **change}
    response = client.post(reverse("projects:event_create", args=[cluster.pk]), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Event.objects.exists()


def test_a_place_of_another_territory_cannot_be_chosen(client, facilitator, cluster,
                                                        territory_b):
    elsewhere = Place.objects.create(territory=territory_b, name="Tiers-lieu lyonnais")
    client.force_login(facilitator)
    response = client.post(reverse("projects:event_create", args=[cluster.pk]), {
        "title": "Forum", "starts_at": "2030-03-16T09:30", "ends_at": "2030-03-16T17:30",
        "place": elsewhere.pk, "capacity": "10"})
    assert response.status_code == 400
    assert "Tiers-lieu lyonnais" not in page_text(response)
    assert not Event.objects.exists()


def test_editing_an_event_keeps_its_slug(client, facilitator, cluster, event):
    client.force_login(facilitator)
    url = reverse("projects:event_update", args=[cluster.pk, event.pk])
    form = client.get(url)
    starts = timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{starts}"' in page_text(form)
    response = client.post(url, {
        "title": "Grand forum", "starts_at": starts,
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "address": event.address, "capacity": "80", "is_published": "on"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.capacity, event.slug) == (
        "Grand forum", 80, "forum-de-linnovation-sociale")


def test_more_places_let_the_waiting_list_in_in_order(event, mailoutbox):
    people = [registration_create(event=event, name=f"Personne {n}", email=f"p{n}@exemple.fr")
              for n in range(5)]
    mailoutbox.clear()
    event_update(event=event, capacity=4)
    statuses = [Registration.objects.get(pk=p.pk).status for p in people]
    assert statuses == ["confirmed"] * 4 + ["waiting"]
    assert [m.to for m in mailoutbox] == [["p3@exemple.fr"]]
    with pytest.raises(DomainError, match="4 personnes sont déjà inscrites"):
        event_update(event=event, capacity=2)
    event.refresh_from_db()
    assert event.capacity == 4


def test_deleting_an_event_with_registrations_asks_first_and_tells_them(client, facilitator,
                                                                        cluster, event,
                                                                        mailoutbox):
    registration_create(event=event, name="Inès Moreau", email="ines@exemple.fr")
    mailoutbox.clear()
    client.force_login(facilitator)
    url = reverse("projects:event_delete", args=[cluster.pk, event.pk])
    page = client.get(url)
    assert "1 personne est inscrite." in page_text(page)
    refused = client.post(url)
    assert refused.status_code == 400
    assert "confirmez la suppression" in page_text(refused)
    assert Event.objects.filter(pk=event.pk).exists()
    assert not mailoutbox
    done = client.post(url, {"acknowledge": "on"})
    assert done.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not Registration.objects.exists()
    assert [m.subject for m in mailoutbox] == [
        "Évènement annulé : Forum de l'innovation sociale"]


def test_an_event_without_registrations_is_deleted_after_the_confirm_page(cluster, event):
    event_delete(event=event)
    assert not Event.objects.exists()


# The cluster's list of events ---------------------------------------------------------------

def test_list_shows_upcoming_events_first_with_their_counts(client, member_a, cluster):
    past = EventFactory(cluster=cluster, title="Rencontre passée", starts_at=in_days(-20),
                        ends_at=in_days(-20, hour=18))
    later = EventFactory(cluster=cluster, title="Forum d'automne", starts_at=in_days(60),
                         ends_at=in_days(60, hour=18), capacity=2)
    soon = EventFactory(cluster=cluster, title="Atelier de printemps", starts_at=in_days(5),
                        ends_at=in_days(5, hour=18), is_published=False)
    RegistrationFactory.create_batch(2, event=later)
    RegistrationFactory(event=later, status=Registration.Status.WAITING)
    RegistrationFactory(event=later, status=Registration.Status.CANCELLED)
    EventFactory(cluster=EventFactory().cluster, title="Évènement d'un autre cluster")
    client.force_login(member_a)
    response = client.get(reverse("projects:event_list", args=[cluster.pk]))
    events = list(response.context["page"].object_list)
    assert events == [soon, later, past]
    assert (events[1].confirmed_count, events[1].waiting_count) == (2, 1)
    text = page_text(response)
    assert "2 / 2" in text and "complet" in text and "brouillon" in text
    assert "Nouvel évènement" not in text  # members read, facilitators organise


def test_list_says_what_to_do_when_empty(client, cast, cluster):
    client.force_login(cast["facilitator"])
    text = page_text(client.get(reverse("projects:event_list", args=[cluster.pk])))
    assert "Créez le premier" in text
    client.force_login(cast["member_a"])
    text = page_text(client.get(reverse("projects:event_list", args=[cluster.pk])))
    assert "Les animateur·rices du collectif les organisent" in text


def test_list_query_count_does_not_grow(client, facilitator, cluster, place,
                                        django_assert_max_num_queries):
    client.force_login(facilitator)
    url = reverse("projects:event_list", args=[cluster.pk])

    def grow(count):
        for _n in range(count):
            event = EventFactory(cluster=cluster, place=place)
            RegistrationFactory.create_batch(2, event=event)
            RegistrationFactory(event=event, status=Registration.Status.WAITING)

    grow(1)
    with django_assert_max_num_queries(15) as few:
        assert client.get(url).status_code == 200
    grow(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_list_is_paginated(client, facilitator, cluster):
    EventFactory.create_batch(21, cluster=cluster)
    client.force_login(facilitator)
    url = reverse("projects:event_list", args=[cluster.pk])
    assert len(client.get(url).context["page"].object_list) == 20
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 1


def test_dashboard_links_to_the_events(client, facilitator, cluster):
    client.force_login(facilitator)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    assert reverse("projects:event_list", args=[cluster.pk]) in page_text(response)


# The public page -----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_anyone_reads_a_published_event(client, cast, event, role):
    as_role(client, cast, role)
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "Forum de l'innovation sociale" in page_text(response)
    assert "Brouillon" not in page_text(response)


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 404),
    ("staff", 200), ("anonymous", 404),
])
def test_a_draft_is_seen_only_by_its_collective_and_staff(client, cast, draft, role, status):
    as_role(client, cast, role)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert "Brouillon" in page_text(response)
        assert "Les inscriptions ouvriront quand l'évènement sera publié." in page_text(
            response)


def test_public_page_shows_date_place_programme_and_projects(client, cluster, place):
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille")
    shown = Project.objects.create(cluster=cluster, challenge=challenge, title="Jardins "
                                   "partagés", slug="jardins", summary="…", is_published=True)
    draft_project = Project.objects.create(cluster=cluster, challenge=challenge,
                                           title="Cantine solidaire", slug="cantine",
                                           summary="…")
    event = EventFactory(
        cluster=cluster, place=place, capacity=120,
        starts_at=datetime(2030, 3, 16, 9, 30, tzinfo=PARIS),
        ends_at=datetime(2030, 3, 16, 17, 30, tzinfo=PARIS),
        programme="9h30 — Accueil\n<script>alert('x')</script>\n\n14h00 — Ateliers")
    event.projects.set([shown, draft_project])
    RegistrationFactory.create_batch(2, event=event)
    response = client.get(event.get_absolute_url())
    html, text = response.content.decode(), page_text(response)
    assert "samedi 16 mars 2030, de 9h30 à 17h30" in text
    assert "La Friche la Belle de Mai, 41 rue Jobin, 13003 Marseille" in text
    assert "118 places restantes sur 120" in text
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "9h30 — Accueil<br>" in html
    assert "Jardins partagés" in text and "Cantine solidaire" in text
    assert 'href="/projets/cantine' not in html  # never a link to an unpublished project


def test_registering_on_the_page_confirms_then_puts_on_the_waiting_list(client, event,
                                                                       mailoutbox):
    RegistrationFactory.create_batch(2, event=event)
    first = client.post(event.get_absolute_url(), {"name": "Inès Moreau",
                                                   "email": "Ines@Exemple.fr"}, follow=True)
    assert "Votre inscription est confirmée" in page_text(first)
    assert "ines@exemple.fr" in page_text(first)
    assert "complet" in page_text(first)
    second = client.post(event.get_absolute_url(), {"name": "Thomas Garcia",
                                                    "email": "thomas@exemple.fr"},
                         follow=True)
    assert "vous êtes n°1 sur la liste d'attente" in page_text(second)
    assert [r.status for r in event.registrations.order_by("pk")][-2:] == [
        "confirmed", "waiting"]
    assert [m.subject for m in mailoutbox] == [
        "Inscription confirmée : Forum de l'innovation sociale",
        "Liste d'attente : Forum de l'innovation sociale"]


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "Inès", "email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide."),
    ({"name": "", "email": "ines@exemple.fr"}, "Ce champ est obligatoire."),
    ({"name": "Autre", "email": "DEJA@exemple.fr"},
     "Cette adresse e-mail est déjà inscrite à cet évènement."),
])
def test_bad_registrations_on_the_page_are_refused(client, event, data, message):
    RegistrationFactory(event=event, email="deja@exemple.fr")
    response = client.post(event.get_absolute_url(), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert event.registrations.count() == 1


def test_registrations_close_when_the_event_begins(client, cluster):
    started = EventFactory(cluster=cluster, starts_at=hours_from_now(-1),
                           ends_at=hours_from_now(3))
    page = client.get(started.get_absolute_url())
    assert "Les inscriptions sont closes" in page_text(page)
    response = client.post(started.get_absolute_url(), {"name": "A", "email": "a@exemple.fr"})
    assert response.status_code == 400
    assert not started.registrations.exists()


# Registration, waiting list and cancellation -------------------------------------------------

def test_registrations_are_confirmed_within_capacity_then_wait(event):
    statuses = [registration_create(event=event, name=f"P{n}", email=f"p{n}@exemple.fr").status
                for n in range(5)]
    assert statuses == ["confirmed"] * 3 + ["waiting"] * 2
    assert event.registrations.filter(status="confirmed").count() == event.capacity


def test_one_live_registration_per_email(event):
    first = registration_create(event=event, name="Inès", email="ines@exemple.fr")
    with pytest.raises(DomainError, match="déjà inscrite"):
        registration_create(event=event, name="Inès", email=" INES@exemple.fr ")
    registration_cancel(registration=first)
    again = registration_create(event=event, name="Inès", email="ines@exemple.fr")
    assert again.status == "confirmed"


def test_past_and_unpublished_events_refuse_registrations(cluster, draft):
    past = EventFactory(cluster=cluster, starts_at=in_days(-3), ends_at=in_days(-3, hour=18))
    with pytest.raises(DomainError, match="l'évènement a commencé"):
        registration_create(event=past, name="A", email="a@exemple.fr")
    with pytest.raises(DomainError, match="quand l'évènement sera publié"):
        registration_create(event=draft, name="A", email="a@exemple.fr")
    with pytest.raises(DomainError, match="adresse e-mail valide"):
        registration_create(event=draft, name="A", email="a@")
    assert not Registration.objects.exists()


def test_confirmation_email_has_a_signed_cancellation_link(event, mailoutbox):
    registration = registration_create(event=event, name="Inès Moreau", email="ines@exemple.fr")
    (message,) = mailoutbox
    assert message.to == ["ines@exemple.fr"]
    assert message.subject == "Inscription confirmée : Forum de l'innovation sociale"
    assert "Bonjour Inès Moreau," in message.body
    token = cancel_link(message).group(1)
    assert signing.loads(token, salt="registration-cancel") == registration.pk
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and token in html


def test_cancelling_frees_the_place_for_the_first_who_waits(client, event, mailoutbox):
    people = [registration_create(event=event, name=f"Personne {n}", email=f"p{n}@exemple.fr")
              for n in range(5)]
    url = cancel_link(mailoutbox[0]).group(0).removeprefix("http://127.0.0.1:8000")
    mailoutbox.clear()
    page = client.get(url)
    assert page.status_code == 200
    assert "Annuler mon inscription ?" in page_text(page)
    assert Registration.objects.get(pk=people[0].pk).status == "confirmed"
    done = client.post(url, follow=True)
    assert "Votre inscription est annulée." in page_text(done)
    statuses = [Registration.objects.get(pk=p.pk).status for p in people]
    assert statuses == ["cancelled", "confirmed", "confirmed", "confirmed", "waiting"]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["p3@exemple.fr"], "Une place s'est libérée : Forum de l'innovation sociale")]
    assert cancel_link(mailoutbox[0]) is not None
    again = client.post(url)
    assert again.status_code == 409
    assert "Inscription annulée" in page_text(again)
    assert len(mailoutbox) == 1


def test_cancelling_twice_through_the_service_is_refused(event):
    registration = registration_create(event=event, name="A", email="a@exemple.fr")
    registration_cancel(registration=registration)
    with pytest.raises(DomainError, match="déjà annulée"):
        registration_cancel(registration=registration)


def test_leaving_the_waiting_list_promotes_nobody(event, mailoutbox):
    people = [registration_create(event=event, name=f"P{n}", email=f"p{n}@exemple.fr")
              for n in range(5)]
    mailoutbox.clear()
    _registration, promoted = registration_cancel(registration=people[3])
    assert promoted == [] and not mailoutbox
    assert Registration.objects.get(pk=people[4].pk).status == "waiting"


def test_an_altered_cancellation_link_is_not_found(client, event):
    registration = RegistrationFactory(event=event)
    token = registration_cancel_token(registration)
    assert client.get(reverse("projects:registration_cancel", args=[token + "x"])) \
        .status_code == 404
    forged = signing.dumps(registration.pk, salt="autre-chose")
    assert client.post(reverse("projects:registration_cancel", args=[forged])) \
        .status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_no_cancelling_once_the_event_has_begun(client, event):
    registration = RegistrationFactory(event=event)
    Event.objects.filter(pk=event.pk).update(starts_at=hours_from_now(-1))
    url = reverse("projects:registration_cancel", args=[registration_cancel_token(registration)])
    assert "ne peut plus être annulée" in page_text(client.get(url))
    assert client.post(url).status_code == 409
    registration.refresh_from_db()
    assert registration.status == "confirmed"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite sérialise toutes les écritures : seul PostgreSQL met "
                           "réellement le verrou de ligne (select_for_update) à l'épreuve.")
def test_simultaneous_registrations_never_exceed_capacity(cluster):
    event = EventFactory(cluster=cluster, capacity=3)
    start = threading.Barrier(10)
    errors = []

    def register(number):
        try:
            start.wait()
            registration_create(event=event, name=f"Personne {number}",
                                email=f"personne{number}@exemple.fr")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count("confirmed") == 3
    assert statuses.count("waiting") == 7


# Attendance ---------------------------------------------------------------------------------

def test_facilitators_tick_who_came_and_see_the_waiting_list_in_order(client, facilitator,
                                                                      cluster):
    event = EventFactory(cluster=cluster, capacity=3, starts_at=in_days(1),
                         ends_at=in_days(1, hour=18))
    people = [registration_create(event=event, name=name, email=f"{name[0]}@exemple.fr")
              for name in ["Alice", "Bruno", "Chloé", "Driss", "Emma"]]
    client.force_login(facilitator)
    url = reverse("projects:event_manage", args=[cluster.pk, event.pk])
    page = page_text(client.get(url))
    assert "Les présences se notent à partir du jour de l'évènement." in page
    assert page.index("Driss") < page.index("Emma")
    early = client.post(url, {"attended": [people[0].pk]}, follow=True)
    assert "à partir du jour de l'évènement" in page_text(early)
    assert not Registration.objects.filter(attended=True).exists()

    Event.objects.filter(pk=event.pk).update(starts_at=in_days(-1), ends_at=in_days(-1, 18))
    assert 'name="attended"' in page_text(client.get(url))
    response = client.post(url, {"attended": [people[0].pk, people[2].pk]})
    assert response.status_code == 302
    assert set(Registration.objects.filter(attended=True).values_list("name", flat=True)) \
        == {"Alice", "Chloé"}
    client.post(url, {"attended": [people[2].pk]})
    assert set(Registration.objects.filter(attended=True).values_list("name", flat=True)) \
        == {"Chloé"}
    waiting = client.post(url, {"attended": [people[3].pk]})
    assert waiting.status_code == 400
    assert not Registration.objects.get(pk=people[3].pk).attended


def test_attendance_service_refuses_people_not_confirmed(cluster):
    event = EventFactory(cluster=cluster, starts_at=in_days(-1), ends_at=in_days(-1, 18))
    other = RegistrationFactory(event=EventFactory(cluster=cluster))
    with pytest.raises(DomainError, match="Seules les personnes inscrites"):
        registration_set_attendance(event=event, attended_ids=[other.pk])


# API ----------------------------------------------------------------------------------------

def api_list(client, **params):
    response = client.get("/api/evenements/", params)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("role", "sees_draft"), [
    ("facilitator", True), ("member_a", True), ("member_b", False), ("reviewer", False),
    ("staff", True), ("anonymous", False),
])
def test_api_lists_published_events_and_the_persons_drafts(client, cast, event, draft, role,
                                                           sees_draft):
    as_role(client, cast, role)
    titles = {item["title"] for item in api_list(client)["results"]}
    assert titles == ({event.title, draft.title} if sees_draft else {event.title})


def test_api_list_filters_and_counts(client, cluster, cluster_b, territory_b, event):
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITING)
    lyon = EventFactory(cluster=cluster_b, title="Forum lyonnais", starts_at=in_days(90),
                        ends_at=in_days(90, hour=18))
    (item,) = api_list(client, cluster=cluster.pk)["results"]
    assert (item["title"], item["confirmed_count"], item["waiting_count"], item["remaining"]) \
        == (event.title, 3, 1, 0)
    assert item["url"] == f"http://testserver{event.get_absolute_url()}"
    assert [i["id"] for i in api_list(client, territory="lyon-metropole")["results"]] \
        == [lyon.pk]
    after = (timezone.localdate() + timedelta(days=60)).isoformat()
    assert [i["id"] for i in api_list(client, starts_after=after)["results"]] == [lyon.pk]
    assert [i["id"] for i in api_list(client, starts_before=after)["results"]] == [event.pk]
    bad = client.get("/api/evenements/", {"starts_after": "hier"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_api_list_query_count_does_not_grow(client, staff, cluster, place,
                                            django_assert_max_num_queries):
    client.force_login(staff)
    challenge = Challenge.objects.create(cluster=cluster, title="Défi")

    def grow(count):
        for n in range(count):
            event = EventFactory(cluster=cluster, place=place)
            event.projects.add(Project.objects.create(
                cluster=cluster, challenge=challenge, title=f"P{event.pk}-{n}",
                slug=f"p-{event.pk}-{n}", summary="…"))
            RegistrationFactory.create_batch(2, event=event)

    grow(1)
    with django_assert_max_num_queries(12) as few:
        api_list(client)
    grow(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_list(client)["count"] == 11


def event_payload(cluster, **change):
    return {"cluster": cluster.pk, "title": "Forum de l'innovation sociale",
            "starts_at": "2030-03-16T09:30:00+01:00", "ends_at": "2030-03-16T17:30:00+01:00",
            "address": "Marseille", "capacity": 120, "programme": "Accueil",
            "is_published": True, **change}


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 201), ("member_a", 403), ("member_b", 400), ("reviewer", 400),
    ("staff", 201), ("anonymous", 401),
])
def test_api_creates_events_for_facilitators_and_staff_only(client, cast, cluster, role,
                                                            status):
    as_role(client, cast, role)
    response = client.post("/api/evenements/", event_payload(cluster),
                           content_type="application/json")
    assert response.status_code == status
    assert {"detail", "code"} <= set(response.json()) if status != 201 else True
    assert Event.objects.exists() is (status == 201)
    if status == 201:
        data = response.json()
        assert (data["slug"], data["capacity"], data["confirmed_count"]) == (
            "forum-de-linnovation-sociale", 120, 0)
    if role in ("member_b", "reviewer"):  # another collective's cluster stays unknown
        assert "n'existe pas" in str(response.json()["errors"]["cluster"])


@pytest.mark.parametrize(("change", "code", "text"), [
    ({"capacity": 0}, "invalid", "supérieure ou égale"),
    ({"ends_at": "2030-03-16T08:00:00+01:00"}, "ends_before_start",
     "La fin de l'évènement doit suivre son début."),
    ({"address": ""}, "no_location", "Indiquez un lieu du territoire ou une adresse."),
    ({"starts_at": "demain"}, "invalid", "n'a pas le bon format"),
    ({"starts_at": "0623-03-16T09:30:00+01:00"}, "invalid", "entre 1900 et 2200"),
])
def test_api_refuses_bad_events_in_one_shape(client, facilitator, cluster, change, code, text):
    client.force_login(facilitator)
    response = client.post("/api/evenements/", event_payload(cluster, **change),
                           content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code
    assert text in str(data)
    assert not Event.objects.exists()


def test_api_refuses_a_place_of_another_territory(client, facilitator, cluster):
    from tests.territories.factories import TerritoryFactory

    elsewhere = Place.objects.create(territory=TerritoryFactory(), name="Tiers-lieu voisin",
                                     is_published=True)
    client.force_login(facilitator)
    response = client.post("/api/evenements/", event_payload(cluster, place=elsewhere.pk),
                           content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "foreign_place")


@pytest.mark.parametrize(("role", "published", "status"), [
    ("facilitator", False, 200), ("member_a", False, 403), ("member_b", False, 404),
    ("member_b", True, 403), ("reviewer", True, 403), ("staff", False, 200),
    ("anonymous", True, 401),
])
def test_api_updates_events_for_facilitators_and_staff_only(client, cast, cluster, role,
                                                            published, status):
    event = EventFactory(cluster=cluster, is_published=published, capacity=10)
    as_role(client, cast, role)
    response = client.patch(f"/api/evenements/{event.pk}/", {"capacity": 12},
                            content_type="application/json")
    assert response.status_code == status
    event.refresh_from_db()
    assert event.capacity == (12 if status == 200 else 10)
    if status != 200:
        assert {"detail", "code"} <= set(response.json())


def test_api_update_uses_the_same_rules(client, facilitator, cluster, event, cluster_b):
    RegistrationFactory.create_batch(3, event=event)
    client.force_login(facilitator)
    url = f"/api/evenements/{event.pk}/"
    lower = client.patch(url, {"capacity": 2}, content_type="application/json")
    assert (lower.status_code, lower.json()["code"]) == (409, "capacity_below_confirmed")
    moved = client.patch(url, {"cluster": cluster_b.pk, "title": "Forum"},
                         content_type="application/json")
    assert moved.status_code == 200
    event.refresh_from_db()
    assert (event.cluster, event.title) == (cluster, "Forum")
    assert client.delete(url).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_api_registers_anyone_to_a_published_event(client, cast, event, role, mailoutbox):
    as_role(client, cast, role)
    url = f"/api/evenements/{event.pk}/inscriptions/"
    response = client.post(url, {"name": "Inès Moreau", "email": "ines@exemple.fr"},
                           content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    assert len(mailoutbox) == 1


def test_api_registration_waits_when_full_and_refuses_bad_inputs(client, event):
    url = f"/api/evenements/{event.pk}/inscriptions/"
    RegistrationFactory.create_batch(3, event=event)
    full = client.post(url, {"name": "Inès", "email": "ines@exemple.fr"},
                       content_type="application/json")
    assert (full.status_code, full.json()["status"]) == (201, "waiting")
    twice = client.post(url, {"name": "Inès", "email": "INES@exemple.fr"},
                        content_type="application/json")
    assert twice.status_code == 409
    assert twice.json() == {"detail": "Cette adresse e-mail est déjà inscrite à cet évènement.",
                            "code": "already_registered"}
    bad = client.post(url, {"name": "Inès", "email": "pas-une-adresse"},
                      content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "email" in bad.json()["errors"]
    missing = client.post(url, {}, content_type="application/json")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"name", "email"}
    assert event.registrations.count() == 4


def test_api_registration_to_a_draft_or_a_past_event(client, member_a, cluster, draft):
    url = f"/api/evenements/{draft.pk}/inscriptions/"
    payload = {"name": "Inès", "email": "ines@exemple.fr"}
    assert client.post(url, payload, content_type="application/json").status_code == 404
    client.force_login(member_a)  # sees the draft, still cannot register to it
    response = client.post(url, payload, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "not_published")
    past = EventFactory(cluster=cluster, starts_at=in_days(-2), ends_at=in_days(-2, 18))
    response = client.post(f"/api/evenements/{past.pk}/inscriptions/", payload,
                           content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "registrations_closed")
    assert not Registration.objects.exists()


@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 200), ("member_a", 403), ("member_b", 403), ("reviewer", 403),
    ("staff", 200), ("anonymous", 401),
])
def test_api_lists_registrations_for_organisers_only(client, cast, event, role, status):
    RegistrationFactory(event=event, name="Alice", email="alice@exemple.fr")
    RegistrationFactory(event=event, name="Bruno", status=Registration.Status.WAITING)
    as_role(client, cast, role)
    response = client.get(f"/api/evenements/{event.pk}/inscriptions/")
    assert response.status_code == status
    if status == 200:
        data = response.json()
        assert data["count"] == 2
        assert [(r["name"], r["status"]) for r in data["results"]] == [
            ("Alice", "confirmed"), ("Bruno", "waiting")]
    else:
        assert "alice@exemple.fr" not in response.content.decode()
        assert {"detail", "code"} <= set(response.json())


def test_openapi_documents_the_events(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    assert "/api/evenements/" in paths
    registrations = paths["/api/evenements/{id}/inscriptions/"]
    assert set(registrations) >= {"get", "post"}
    assert "201" in registrations["post"]["responses"]


# Demo ---------------------------------------------------------------------------------------

def test_demo_gives_aix_marseille_an_upcoming_forum_and_a_past_meeting(demo):
    forum = Event.objects.get(title="Forum de l'innovation sociale")
    assert forum.cluster.territory.slug == "aix-marseille-provence"
    assert forum.is_published and forum.capacity == 120 and forum.starts_at > timezone.now()
    assert forum.registrations.count() == 6
    (past,) = Event.objects.filter(ends_at__lt=timezone.now())
    assert past.registrations.filter(attended=True).count() == 8
    assert Event.objects.count() == 2


def test_public_sign_ups_are_rate_limited_on_the_page_and_the_api(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"registrations": "3/hour"}}
    event = EventFactory(is_published=True, capacity=50)
    url = reverse("projects:event_public", args=[event.slug])
    for n in range(3):
        client.post(url, {"name": f"Personne {n}", "email": f"p{n}@exemple.fr"})
    response = client.post(url, {"name": "Robot", "email": "robot@exemple.fr"})
    assert "Trop d'inscriptions depuis votre connexion" in page_text(response)
    api = client.post(reverse("api:event-registrations", args=[event.pk]),
                      {"name": "Robot", "email": "robot2@exemple.fr"},
                      content_type="application/json")
    assert api.status_code == 429
    assert api.json()["code"] == "throttled"
    assert Registration.objects.count() == 3


def test_a_made_up_forwarded_for_does_not_reset_the_sign_up_limit(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"registrations": "2/hour"}}
    settings.TRUSTED_PROXY_COUNT = 0
    event = EventFactory(is_published=True, capacity=50)
    url = reverse("projects:event_public", args=[event.slug])
    for n in range(3):
        response = client.post(url, {"name": f"Robot {n}", "email": f"r{n}@exemple.fr"},
                               HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    assert "Trop d'inscriptions depuis votre connexion" in page_text(response)
    api = client.post(reverse("api:event-registrations", args=[event.pk]),
                      {"name": "Robot", "email": "robot@exemple.fr"},
                      content_type="application/json", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert api.status_code == 429
    assert Registration.objects.count() == 2
