"""The project community (step 2): its people, its meetings, who comes and who drifts away."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from projects.models import CommunityMeeting, CommunityMember
from projects.selectors import drifting_members, participation_by_month
from projects.services import (
    community_meeting_save,
    community_member_leave,
    community_member_save,
)
from territories.models import Actor, Place
from tests.helpers import page_text
from tests.projects.factories import CommunityMeetingFactory, CommunityMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


# Who is drifting away ---------------------------------------------------------------------

def test_drifting_members_with_precise_dates(cluster, cluster_b):
    today = date(2026, 6, 15)  # six weeks before: 4 May 2026
    people = {name: CommunityMemberFactory(cluster=cluster, name=name, joined_on=joined)
              for name, joined in [
                  ("Récente", date(2026, 1, 5)), ("Pile six semaines", date(2026, 1, 5)),
                  ("Un jour de trop", date(2026, 1, 5)), ("Ancienne", date(2026, 1, 5)),
                  ("Jamais venue", date(2026, 1, 10)), ("Tout juste arrivée", date(2026, 6, 1)),
                  ("Arrivée il y a six semaines", date(2026, 5, 4)),
                  ("Partie", date(2026, 1, 5))]}
    people["Partie"].left_on = date(2026, 3, 1)
    people["Partie"].save()
    stranger = CommunityMemberFactory(cluster=cluster_b, joined_on=date(2026, 1, 5))
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 2, 1), attendees=[
        people["Ancienne"], people["Partie"], people["Récente"]])
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 3, 1),
                            attendees=[people["Ancienne"]])
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 5, 3),
                            attendees=[people["Un jour de trop"]])
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 5, 4),
                            attendees=[people["Pile six semaines"]])
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 6, 1),
                            attendees=[people["Récente"]])
    CommunityMeetingFactory(cluster=cluster_b, held_on=date(2026, 1, 10),
                            attendees=[stranger])

    drifting = list(drifting_members(cluster, weeks=6, today=today))

    # Longest absent first: never seen since 10 January, then last seen 1 March, then 3 May.
    assert [member.name for member in drifting] == ["Jamais venue", "Ancienne",
                                                    "Un jour de trop"]
    assert [member.last_attended_on for member in drifting] == [
        None, date(2026, 3, 1), date(2026, 5, 3)]
    longer = drifting_members(cluster, weeks=12, today=today)  # before 23 March 2026
    assert [member.name for member in longer] == ["Jamais venue", "Ancienne"]


def test_a_meeting_not_yet_held_does_not_count_as_a_visit(cluster):
    member = CommunityMemberFactory(cluster=cluster, joined_on=date(2026, 1, 5))
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 2, 1), attendees=[member])
    # Written directly: the service refuses attendance at a meeting still to come.
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 7, 1), attendees=[member])
    drifting = list(drifting_members(cluster, weeks=6, today=date(2026, 6, 15)))
    assert drifting == [member]
    assert drifting[0].last_attended_on == date(2026, 2, 1)


# Participation over time ------------------------------------------------------------------

def test_participation_by_month_in_three_queries(cluster, cluster_b,
                                               django_assert_num_queries):
    today = date(2026, 6, 15)
    regular = CommunityMemberFactory(cluster=cluster, name="Anne")
    quiet = CommunityMemberFactory(cluster=cluster, name="Bruno")
    gone_recently = CommunityMemberFactory(cluster=cluster, name="Chloé",
                                           left_on=date(2026, 5, 20))
    CommunityMemberFactory(cluster=cluster, name="Denis", left_on=date(2026, 2, 1))
    stranger = CommunityMemberFactory(cluster=cluster_b, name="Étrangère")
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 3, 31), attendees=[regular])
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 4, 2),
                            attendees=[regular, gone_recently])
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 4, 20),
                            attendees=[regular, gone_recently])
    CommunityMeetingFactory(cluster=cluster, held_on=date(2026, 6, 10), attendees=[regular])
    CommunityMeetingFactory(cluster=cluster_b, held_on=date(2026, 6, 10),
                            attendees=[stranger])

    # The people, their counts, and the totals of everyone (the people may be a page).
    with django_assert_num_queries(3):
        table = participation_by_month(cluster, months=3, today=today)

    assert table["months"] == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    rows = {row["member"].name: row for row in table["rows"]}
    # Denis left before the period and did not come: no row; Chloé came, so she has one.
    assert list(rows) == ["Anne", "Bruno", "Chloé"]
    assert rows["Anne"]["cells"] == [2, 0, 1] and rows["Anne"]["total"] == 3
    assert rows["Bruno"]["cells"] == [0, 0, 0]
    assert rows["Chloé"]["cells"] == [2, 0, 0]
    assert table["totals"] == [4, 0, 1]
    assert quiet in [row["member"] for row in table["rows"]]


# Meetings and attendance ------------------------------------------------------------------

def meeting_data(held_on, attendees=(), **extra):
    return {"held_on": held_on.isoformat(), "title": "Atelier des possibles", "place": "",
            "notes": "", "attendees": [str(member.pk) for member in attendees], **extra}


def test_a_meeting_is_saved_with_its_attendance_in_one_form(client, member_a, cluster):
    anne, bruno, _absent = CommunityMemberFactory.create_batch(3, cluster=cluster)
    place = Place.objects.create(territory=cluster.territory, name="La Friche")
    client.force_login(member_a)
    response = client.post(reverse("projects:community_meeting_create", args=[cluster.pk]),
                           meeting_data(days_ago(3), [anne, bruno], place=str(place.pk)))
    assert response.status_code == 302
    meeting = CommunityMeeting.objects.get()
    assert meeting.cluster == cluster and meeting.place == place
    assert set(meeting.attendees.all()) == {anne, bruno}

    url = reverse("projects:community_meeting_update", args=[cluster.pk, meeting.pk])
    form = client.get(url).context["form"]
    assert set(form["attendees"].value()) == {anne.pk, bruno.pk}
    client.post(url, meeting_data(days_ago(3), [bruno]))
    assert list(meeting.attendees.all()) == [bruno]


def test_a_forged_attendee_of_another_cluster_is_refused_and_nothing_is_written(
        client, member_a, cluster, cluster_b):
    anne = CommunityMemberFactory(cluster=cluster)
    stranger = CommunityMemberFactory(cluster=cluster_b)
    client.force_login(member_a)
    response = client.post(reverse("projects:community_meeting_create", args=[cluster.pk]),
                           meeting_data(days_ago(3), [anne, stranger]))
    assert response.status_code == 400
    assert "Une personne cochée ne fait pas partie de la communauté de ce cluster" \
        in page_text(response)
    assert not CommunityMeeting.objects.exists()

    meeting = CommunityMeetingFactory(cluster=cluster, held_on=days_ago(10), title="Avant",
                                      attendees=[anne])
    with pytest.raises(DomainError, match="ne fait pas partie de la communauté"):
        community_meeting_save(meeting=meeting, fields={"title": "Après"},
                               attendee_ids=[anne.pk, stranger.pk], by=member_a)
    meeting.refresh_from_db()
    assert meeting.title == "Avant" and list(meeting.attendees.all()) == [anne]


def test_a_future_meeting_is_planned_without_attendance(client, facilitator, cluster):
    anne = CommunityMemberFactory(cluster=cluster)
    client.force_login(facilitator)
    url = reverse("projects:community_meeting_create", args=[cluster.pk])
    next_week = days_ago(-7)
    refused = client.post(url, meeting_data(next_week, [anne]))
    assert refused.status_code == 400
    assert "la présence s'enregistre une fois la rencontre passée" in page_text(refused)
    assert not CommunityMeeting.objects.exists()

    assert client.post(url, meeting_data(next_week)).status_code == 302
    meeting = CommunityMeeting.objects.get()
    assert meeting.held_on == next_week and not meeting.attendees.exists()
    listing = page_text(client.get(reverse("projects:community_meetings", args=[cluster.pk])))
    assert "à venir" in listing


def test_moving_a_meeting_with_attendance_into_the_future_is_refused(facilitator, cluster):
    anne = CommunityMemberFactory(cluster=cluster)
    meeting = CommunityMeetingFactory(cluster=cluster, held_on=days_ago(2), attendees=[anne])
    with pytest.raises(DomainError, match="la présence s'enregistre"):
        community_meeting_save(meeting=meeting, fields={"held_on": days_ago(-2)},
                               attendee_ids=[anne.pk], by=facilitator)
    meeting.refresh_from_db()
    assert meeting.held_on == days_ago(2)


def test_someone_who_had_left_cannot_attend_a_later_meeting(facilitator, cluster):
    gone = CommunityMemberFactory(cluster=cluster, name="Lucas", left_on=days_ago(30))
    meeting = CommunityMeeting(cluster=cluster)
    with pytest.raises(DomainError, match="avaient quitté la communauté avant cette "
                                          "rencontre : Lucas"):
        community_meeting_save(meeting=meeting, fields={"held_on": days_ago(5), "title": "R"},
                               attendee_ids=[gone.pk], by=facilitator)
    assert not CommunityMeeting.objects.exists()
    # An earlier meeting keeps them: the history is not rewritten.
    earlier = community_meeting_save(meeting=CommunityMeeting(cluster=cluster),
                                     fields={"held_on": days_ago(40), "title": "Avant"},
                                     attendee_ids=[gone.pk], by=facilitator)
    assert list(earlier.attendees.all()) == [gone]


def test_the_attendance_form_offers_active_people_and_keeps_past_attendees(
        client, member_a, cluster):
    active = CommunityMemberFactory(cluster=cluster, name="Active")
    gone_came = CommunityMemberFactory(cluster=cluster, name="Partie venue",
                                       left_on=days_ago(5))
    CommunityMemberFactory(cluster=cluster, name="Partie absente", left_on=days_ago(5))
    meeting = CommunityMeetingFactory(cluster=cluster, held_on=days_ago(20),
                                      attendees=[gone_came])
    client.force_login(member_a)
    new = client.get(reverse("projects:community_meeting_create", args=[cluster.pk]))
    assert list(new.context["form"].fields["attendees"].queryset) == [active]
    edit = client.get(reverse("projects:community_meeting_update",
                              args=[cluster.pk, meeting.pk]))
    assert list(edit.context["form"].fields["attendees"].queryset) == [active, gone_came]


def test_bad_meeting_inputs_are_refused_in_french(client, member_a, cluster, cluster_b):
    foreign_place = Place.objects.create(territory=cluster_b.territory, name="Ailleurs")
    client.force_login(member_a)
    url = reverse("projects:community_meeting_create", args=[cluster.pk])
    missing = client.post(url, {"held_on": "", "title": "", "attendees": ["abc"]})
    assert missing.status_code == 400
    assert "Ce champ est obligatoire." in page_text(missing)
    assert "Liste de présence illisible" in page_text(missing)
    place = client.post(url, meeting_data(days_ago(1), place=str(foreign_place.pk)))
    assert place.status_code == 400
    assert not CommunityMeeting.objects.exists()


def test_meetings_are_listed_newest_first_with_attendance_in_constant_queries(
        client, member_a, cluster, django_assert_max_num_queries):
    people = CommunityMemberFactory.create_batch(6, cluster=cluster)
    for offset in range(8):
        CommunityMeetingFactory(cluster=cluster, held_on=days_ago(10 + 7 * offset),
                                title=f"Rencontre {offset}", attendees=people[:offset % 6])
    client.force_login(member_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("projects:community_meetings", args=[cluster.pk]))
    with django_assert_max_num_queries(7):  # every active person as a checkbox
        form = client.get(reverse("projects:community_meeting_create", args=[cluster.pk]))
    assert len(form.context["form"].fields["attendees"].queryset) == 6
    meetings = list(response.context["page"].object_list)
    assert [meeting.title for meeting in meetings][:3] == ["Rencontre 0", "Rencontre 1",
                                                           "Rencontre 2"]
    assert [meeting.attendee_count for meeting in meetings][:3] == [0, 1, 2]


def test_meetings_are_paginated(client, member_a, cluster):
    CommunityMeetingFactory.create_batch(30, cluster=cluster)
    client.force_login(member_a)
    url = reverse("projects:community_meetings", args=[cluster.pk])
    assert len(client.get(url).context["page"].object_list) == 25
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 5
    assert client.get(url, {"page": "n'importe"}).status_code == 200


# People of the community ------------------------------------------------------------------

def test_people_are_added_with_a_structure_of_the_territory(client, member_a, cluster):
    actor = Actor.objects.create(territory=cluster.territory, name="Coopérative du Panier")
    client.force_login(member_a)
    response = client.post(reverse("projects:community_member_create", args=[cluster.pk]), {
        "name": "Nadia Haddad", "email": " Nadia.Haddad@Exemple.FR ", "actor": str(actor.pk),
        "joined_on": days_ago(3).isoformat()})
    assert response.status_code == 302
    member = CommunityMember.objects.get()
    assert (member.cluster, member.actor, member.email) == (cluster, actor,
                                                            "nadia.haddad@exemple.fr")
    url = reverse("projects:community_member_update", args=[cluster.pk, member.pk])
    client.post(url, {"name": "Nadia Haddad-Roux", "email": "", "actor": "",
                      "joined_on": days_ago(3).isoformat()})
    member.refresh_from_db()
    assert (member.name, member.email, member.actor) == ("Nadia Haddad-Roux", "", None)


def test_bad_people_inputs_are_refused_in_french_and_nothing_is_written(
        client, member_a, cluster, cluster_b):
    CommunityMemberFactory(cluster=cluster, email="nadia@exemple.fr")
    CommunityMemberFactory(cluster=cluster_b, email="autre@exemple.fr")
    foreign_actor = Actor.objects.create(territory=cluster_b.territory, name="Ailleurs")
    client.force_login(member_a)
    url = reverse("projects:community_member_create", args=[cluster.pk])
    good = {"name": "Nouvelle", "email": "", "actor": "", "joined_on": days_ago(1).isoformat()}
    cases = [
        ({"email": "NADIA@exemple.fr"}, "Une personne de la communauté a déjà cet e-mail."),
        ({"actor": str(foreign_actor.pk)},
         "Choisissez une structure parmi les acteurs du territoire."),
        ({"joined_on": days_ago(-1).isoformat()},
         "La date d'arrivée ne peut pas être dans le futur."),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"email": "pas-un-e-mail"}, "Saisissez une adresse e-mail valide."),
        ({"joined_on": "31/02/2026"}, "Saisissez une date valide."),
    ]
    for change, message in cases:
        response = client.post(url, {**good, **change})
        assert response.status_code == 400, change
        assert message in page_text(response), change
    assert CommunityMember.objects.filter(cluster=cluster).count() == 1
    # The same e-mail in another cluster's community is another person.
    assert client.post(url, {**good, "email": "autre@exemple.fr"}).status_code == 302


def test_marking_a_departure_asks_for_confirmation_and_keeps_the_history(
        client, member_a, cluster):
    lucas = CommunityMemberFactory(cluster=cluster, name="Lucas Bonnet",
                                   joined_on=days_ago(100))
    CommunityMeetingFactory(cluster=cluster, held_on=days_ago(60), attendees=[lucas])
    client.force_login(member_a)
    url = reverse("projects:community_member_leave", args=[cluster.pk, lucas.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Marquer le départ de « Lucas Bonnet » ?" in page_text(confirm)
    lucas.refresh_from_db()
    assert lucas.left_on is None

    assert client.post(url, {"left_on": days_ago(2).isoformat()}).status_code == 302
    lucas.refresh_from_db()
    assert lucas.left_on == days_ago(2)
    members_url = reverse("projects:community_members", args=[cluster.pk])
    assert list(client.get(members_url).context["page"].object_list) == []
    with_departed = client.get(members_url, {"departs": "1"})
    assert "Lucas Bonnet" in page_text(with_departed)
    assert "parti·e le" in page_text(with_departed)
    assert [m.meeting_count for m in with_departed.context["page"].object_list] == [1]

    again = client.post(url, {"left_on": days_ago(1).isoformat()})
    assert again.status_code == 400
    assert "a déjà quitté la communauté" in page_text(again)


@pytest.mark.parametrize(("left_on", "message"), [
    (1, "La date de départ ne peut pas être dans le futur."),
    (-20, "La date de départ doit suivre la date d'arrivée"),
    (None, "Ce champ est obligatoire."),
])
def test_a_bad_departure_date_is_refused(client, member_a, cluster, left_on, message):
    member = CommunityMemberFactory(cluster=cluster, joined_on=days_ago(10))
    client.force_login(member_a)
    value = "" if left_on is None else days_ago(-left_on).isoformat()
    response = client.post(reverse("projects:community_member_leave",
                                   args=[cluster.pk, member.pk]), {"left_on": value})
    assert response.status_code == 400
    assert message in page_text(response)
    member.refresh_from_db()
    assert member.left_on is None


def test_people_list_shows_last_participation_and_count_in_constant_queries(
        client, member_a, cluster, django_assert_max_num_queries):
    actor = Actor.objects.create(territory=cluster.territory, name="Coopérative du Panier")
    people = [CommunityMemberFactory(cluster=cluster, name=f"Personne {index:02}", actor=actor)
              for index in range(12)]
    for offset in range(5):
        CommunityMeetingFactory(cluster=cluster, held_on=days_ago(5 + offset * 10),
                                attendees=people[:offset + 1])
    client.force_login(member_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("projects:community_members", args=[cluster.pk]))
    first, second = response.context["page"].object_list[:2]
    assert (first.meeting_count, first.last_attended_on) == (5, days_ago(5))
    assert (second.meeting_count, second.last_attended_on) == (4, days_ago(15))
    text = page_text(response)
    assert "Coopérative du Panier" in text and "jamais venu·e" in text


def test_people_are_paginated(client, member_a, cluster):
    CommunityMemberFactory.create_batch(27, cluster=cluster)
    client.force_login(member_a)
    url = reverse("projects:community_members", args=[cluster.pk])
    assert len(client.get(url).context["page"].object_list) == 25
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 2


def test_services_refuse_people_outside_the_collective(member_b, cluster):
    member = CommunityMemberFactory(cluster=cluster)
    with pytest.raises(PermissionDenied):
        community_member_save(member=member, fields={"name": "Piraté"}, by=member_b)
    with pytest.raises(PermissionDenied):
        community_member_leave(member=member, left_on=days_ago(1), by=member_b)
    with pytest.raises(PermissionDenied):
        community_meeting_save(meeting=CommunityMeeting(cluster=cluster),
                               fields={"held_on": days_ago(1), "title": "R"},
                               attendee_ids=[], by=member_b)
    member.refresh_from_db()
    assert member.name != "Piraté" and member.left_on is None
    assert not CommunityMeeting.objects.exists()


# The community page -----------------------------------------------------------------------

def test_community_page_shows_who_drifts_away_with_a_mailto_link(client, facilitator,
                                                                  cluster):
    CommunityMemberFactory(cluster=cluster, name="Mehdi Ouali", email="mehdi@exemple.fr",
                           joined_on=days_ago(200))
    CommunityMemberFactory(cluster=cluster, name="Claire Vidal", email="",
                           joined_on=days_ago(200))
    recent = CommunityMemberFactory(cluster=cluster, name="Nadia Haddad",
                                    joined_on=days_ago(200))
    newcomer = CommunityMemberFactory(cluster=cluster, name="Hugo Blanc", joined_on=days_ago(3))
    CommunityMeetingFactory(cluster=cluster, held_on=days_ago(7), attendees=[recent, newcomer])
    client.force_login(facilitator)
    response = client.get(reverse("projects:community", args=[cluster.pk]))
    assert response.status_code == 200
    assert [member.name for member in response.context["drifting"]] == [
        "Claire Vidal", "Mehdi Ouali"]
    text = page_text(response)
    assert "Personnes qui s'éloignent" in text
    assert 'href="mailto:mehdi@exemple.fr?subject=' in text
    assert "Jamais venu·e à une rencontre depuis son arrivée" in text
    assert "pas d'e-mail" in text


@pytest.mark.parametrize(("value", "weeks"), [
    ("", 6), ("abc", 6), ("0", 6), ("53", 6), ("-3", 6), ("4.5", 6), ("1", 1), ("52", 52),
    ("20", 20)])
def test_weeks_are_read_from_the_address_and_bad_values_fall_back(client, member_a, cluster,
                                                                   value, weeks):
    client.force_login(member_a)
    response = client.get(reverse("projects:community", args=[cluster.pk]),
                          {"semaines": value, "mois": "nonsense"})
    assert response.status_code == 200
    assert response.context["weeks"] == weeks
    assert response.context["months"] == 6
    if weeks == 6 and value:
        assert "Indiquez un nombre de semaines entre 1 et 52." in page_text(response)


def test_community_page_table_and_chart_in_constant_queries(
        client, member_a, cluster, django_assert_max_num_queries):
    actor = Actor.objects.create(territory=cluster.territory, name="Coopérative du Panier")
    people = [CommunityMemberFactory(cluster=cluster, actor=actor if index % 2 else None,
                                     joined_on=days_ago(300)) for index in range(15)]
    CommunityMemberFactory(cluster=cluster, left_on=days_ago(1), joined_on=days_ago(300))
    for offset in range(10):
        CommunityMeetingFactory(cluster=cluster, held_on=days_ago(3 + 20 * offset),
                                attendees=people[offset:])
    CommunityMeetingFactory(cluster=cluster, held_on=days_ago(-5), title="Prévue")
    client.force_login(member_a)
    # The people drifting away and the table's people each come a page at a time.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:community", args=[cluster.pk]),
                              {"mois": "12"})
    participation = response.context["participation"]
    assert len(participation["months"]) == 12
    assert len(participation["rows"]) == 15  # the departed person did not come this year
    assert sum(participation["totals"]) == sum(range(6, 16))
    chart = json.loads(page_text(response).split('id="community-data" type="application/json">'
                                                 )[1].split("</script>")[0])
    assert chart["values"] == list(range(6, 16))  # oldest first, the planned one left out
    assert response.context["overview"]["next_meeting_on"] == days_ago(-5)


def test_an_empty_community_says_what_to_do_next(client, member_a, cluster):
    client.force_login(member_a)
    text = page_text(client.get(reverse("projects:community", args=[cluster.pk])))
    assert "La communauté est encore vide." in text
    members = page_text(client.get(reverse("projects:community_members", args=[cluster.pk])))
    assert "Ajoutez les personnes qui participent" in members
    meetings = page_text(client.get(reverse("projects:community_meetings", args=[cluster.pk])))
    assert "Planifiez la première rencontre" in meetings


def test_the_dashboard_links_to_the_community(client, facilitator, cluster):
    client.force_login(facilitator)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    assert f'href="{reverse("projects:community", args=[cluster.pk])}"' in page_text(response)


# Who may see and change the community -----------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 404),
    ("staff", 200)])
def test_every_community_page_checks_the_role(client, cast, cluster, role, status):
    member = CommunityMemberFactory(cluster=cluster, name="Anne", joined_on=days_ago(30))
    meeting = CommunityMeetingFactory(cluster=cluster, held_on=days_ago(10), title="Avant")
    client.force_login(cast[role])
    pages = [
        reverse("projects:community", args=[cluster.pk]),
        reverse("projects:community_members", args=[cluster.pk]),
        reverse("projects:community_member_create", args=[cluster.pk]),
        reverse("projects:community_member_update", args=[cluster.pk, member.pk]),
        reverse("projects:community_member_leave", args=[cluster.pk, member.pk]),
        reverse("projects:community_meetings", args=[cluster.pk]),
        reverse("projects:community_meeting_create", args=[cluster.pk]),
        reverse("projects:community_meeting_update", args=[cluster.pk, meeting.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == status, url
    allowed = status == 200
    client.post(pages[2], {"name": "Nouvelle", "email": "", "actor": "",
                           "joined_on": days_ago(1).isoformat()})
    assert CommunityMember.objects.filter(name="Nouvelle").exists() is allowed
    client.post(pages[7], meeting_data(days_ago(10), [member]) | {"title": "Après"})
    meeting.refresh_from_db()
    assert (meeting.title == "Après") is allowed
    assert meeting.attendees.exists() is allowed
    client.post(pages[4], {"left_on": days_ago(1).isoformat()})
    member.refresh_from_db()
    assert (member.left_on is not None) is allowed


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(client, cluster):
    member = CommunityMemberFactory(cluster=cluster)
    for url in [reverse("projects:community", args=[cluster.pk]),
                reverse("projects:community_members", args=[cluster.pk]),
                reverse("projects:community_meetings", args=[cluster.pk]),
                reverse("projects:community_member_leave", args=[cluster.pk, member.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response.url
    client.post(reverse("projects:community_member_leave", args=[cluster.pk, member.pk]),
                {"left_on": days_ago(1).isoformat()})
    member.refresh_from_db()
    assert member.left_on is None


def test_a_member_or_meeting_of_another_cluster_is_not_found_through_this_one(
        client, member_a, cluster, cluster_b):
    stranger = CommunityMemberFactory(cluster=cluster_b)
    meeting = CommunityMeetingFactory(cluster=cluster_b)
    client.force_login(member_a)
    for url in [reverse("projects:community_member_update", args=[cluster.pk, stranger.pk]),
                reverse("projects:community_member_leave", args=[cluster.pk, stranger.pk]),
                reverse("projects:community_meeting_update", args=[cluster.pk, meeting.pk])]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"left_on": days_ago(1).isoformat()}).status_code == 404, url
    stranger.refresh_from_db()
    assert stranger.left_on is None


# Demo data --------------------------------------------------------------------------------

def test_demo_community_shows_a_few_people_drifting_away_and_is_idempotent(demo):
    from cluster.models import Cluster

    cluster = Cluster.objects.get(territory__slug="aix-marseille-provence")
    assert cluster.community.count() == 12
    assert cluster.community.filter(actor__isnull=False).count() >= 3
    assert cluster.community_meetings.count() == 7
    today = timezone.localdate()
    assert cluster.community_meetings.filter(held_on__gt=today, attendees__isnull=False) \
        .count() == 0
    drifting = drifting_members(cluster, weeks=6, today=today)
    assert 3 <= drifting.count() <= 4
