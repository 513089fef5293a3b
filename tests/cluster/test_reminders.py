"""Milestone reminders and the weekly digest, sent by Celery beat to facilitators."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.utils import timezone

from cluster import celery_app, tasks
from cluster.models import Challenge, Cluster, Measurement, Membership, Milestone, Objective
from cluster.notifications import due_milestone_reminders, weekly_digests
from cluster.services import cluster_create
from territories.models import QueuedTask
from tests.cluster.factories import CollectiveFactory, MembershipFactory
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.MILESTONE_REMINDER_DAYS = 7
    settings.SITE_URL = "https://clusters.example.org"


@pytest.fixture
def cluster_a(territory_a):
    """Collective A's cluster, without its suggested milestones: each test sets its own."""
    cluster = territory_a.clusters.get()
    Milestone.objects.filter(step__cluster=cluster).delete()
    return cluster


@pytest.fixture
def cluster_b(territory_b):
    cluster = territory_b.clusters.get()
    Milestone.objects.filter(step__cluster=cluster).delete()
    return cluster


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a periodic task as beat does, through Celery: its e-mails go once it commits."""
    def run(task, today):
        with django_capture_on_commit_callbacks(execute=True):
            return task.delay(today).get()
    return run


def milestone(cluster, title, due, *, number=2, done_on=None):
    return Milestone.objects.create(step=cluster.steps.get(number=number), title=title,
                                    due_date=due, done_on=done_on)


def facilitate(user, collective):
    MembershipFactory(user=user, collective=collective, role=Membership.Role.FACILITATOR)


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


# Reminders ------------------------------------------------------------------------------------

def test_each_facilitator_gets_one_reminder_listing_all_their_due_milestones(
        facilitator, member_a, member_b, collective_b, cluster_a, cluster_b, mailoutbox, run):
    facilitate(facilitator, collective_b)
    MembershipFactory(collective=collective_b, role=Membership.Role.FACILITATOR,
                      user__email="anim.lyon@exemple.fr")
    milestone(cluster_a, "Première rencontre", date(2026, 3, 4))
    milestone(cluster_a, "Comité installé", date(2026, 3, 9))  # today + 7: still due
    milestone(cluster_a, "Trop loin", date(2026, 3, 10))
    milestone(cluster_a, "Déjà atteint", date(2026, 3, 3), done_on=date(2026, 2, 27))
    milestone(cluster_a, "Déjà passé", date(2026, 3, 1))
    milestone(cluster_b, "Tiers-lieu choisi", date(2026, 3, 5), number=3)

    assert run(tasks.send_milestone_reminders, MONDAY.isoformat()) == 2

    assert recipients(mailoutbox) == ["anim.lyon@exemple.fr", "animatrice@exemple.fr"]
    mine = next(m for m in mailoutbox if m.to == ["animatrice@exemple.fr"])
    assert mine.subject == "Rappel : 3 jalons arrivent à échéance"
    assert mine.body.index("Aix-Marseille-Provence") < mine.body.index("Lyon-Métropole")
    for title in ["Première rencontre", "Comité installé", "Tiers-lieu choisi"]:
        assert title in mine.body
    for title in ["Trop loin", "Déjà atteint", "Déjà passé"]:
        assert title not in mine.body
    assert "Bonjour Camille Martin," in mine.body
    assert "mercredi 4 mars : Première rencontre — étape 2. Communauté" in mine.body
    step_url = f"https://clusters.example.org/clusters/{cluster_a.pk}/etapes/"
    assert step_url in mine.body
    html, mimetype = mine.alternatives[0]
    assert mimetype == "text/html" and "Première rencontre" in html and step_url in html
    theirs = next(m for m in mailoutbox if m.to == ["anim.lyon@exemple.fr"])
    assert theirs.subject == "Rappel : 1 jalon arrive à échéance"
    assert "Tiers-lieu choisi" in theirs.body and "Première rencontre" not in theirs.body


def test_reminders_are_sent_once(facilitator, cluster_a, mailoutbox, run):
    due = milestone(cluster_a, "Première rencontre", date(2026, 3, 4))
    assert run(tasks.send_milestone_reminders, MONDAY.isoformat()) == 1
    due.refresh_from_db()
    assert due.reminded_on == MONDAY
    assert run(tasks.send_milestone_reminders, MONDAY.isoformat()) == 0
    assert run(tasks.send_milestone_reminders, "2026-03-03") == 0
    assert len(mailoutbox) == 1


def test_a_new_due_date_brings_a_new_reminder(facilitator, cluster_a, mailoutbox, run):
    from cluster.services import milestone_update

    due = milestone(cluster_a, "Première rencontre", date(2026, 3, 4))
    run(tasks.send_milestone_reminders, MONDAY.isoformat())
    due.refresh_from_db()
    milestone_update(milestone=due, title=due.title, due_date=date(2026, 3, 20))
    assert run(tasks.send_milestone_reminders, "2026-03-13") == 1
    assert len(mailoutbox) == 2
    assert "vendredi 20 mars" in mailoutbox[1].body


def test_members_inactive_facilitators_and_staff_get_no_reminder(
        facilitator, member_a, staff, cluster_a, mailoutbox, run):
    facilitator.is_active = False
    facilitator.save()
    due = milestone(cluster_a, "Première rencontre", date(2026, 3, 4))
    assert run(tasks.send_milestone_reminders, MONDAY.isoformat()) == 0
    assert mailoutbox == []
    due.refresh_from_db()
    # Nobody was told: a facilitator who joins before the due date still will be.
    assert due.reminded_on is None


def test_the_reminder_window_follows_the_setting(facilitator, cluster_a, settings, mailoutbox,
                                                 run):
    settings.MILESTONE_REMINDER_DAYS = 2
    milestone(cluster_a, "Dans deux jours", date(2026, 3, 4))
    milestone(cluster_a, "Dans trois jours", date(2026, 3, 5))
    run(tasks.send_milestone_reminders, MONDAY.isoformat())
    assert "Dans deux jours" in mailoutbox[0].body
    assert "Dans trois jours" not in mailoutbox[0].body
    assert "d'ici 2 jours" in mailoutbox[0].body


def test_with_the_broker_down_reminders_are_marked_and_their_e_mails_wait_in_the_outbox(
        facilitator, cluster_a, monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    due = milestone(cluster_a, "Première rencontre", date(2026, 3, 4))

    def broken(*args, **kwargs):
        raise OSError("broker injoignable")

    celery_app.conf.task_always_eager = False  # a broker, down; set back after the test
    monkeypatch.setattr(tasks.send_email_task, "apply_async", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_milestone_reminders(MONDAY.isoformat()) == 1
    due.refresh_from_db()
    assert due.reminded_on == MONDAY
    assert mailoutbox == []
    waiting = QueuedTask.objects.get()
    assert waiting.task == "cluster.tasks.send_email_task"
    assert waiting.kwargs["to"] == ["animatrice@exemple.fr"]
    assert waiting.attempts == 1 and "broker injoignable" in waiting.last_error


def many_clusters(count):
    for _ in range(count):
        collective = CollectiveFactory()
        MembershipFactory(collective=collective, role=Membership.Role.FACILITATOR)
        cluster = cluster_create(collective=collective, territory=TerritoryFactory(),
                                 start_date=date(2026, 1, 1))
        Milestone.objects.filter(step__cluster=cluster).delete()
        milestone(cluster, "Première rencontre", date(2026, 3, 4))
        milestone(cluster, "En retard", date(2026, 2, 4))
        challenge = Challenge.objects.create(cluster=cluster, title="Défi")
        objective = Objective.objects.create(challenge=challenge, title="Objectif", unit="t",
                                             baseline=0, target=10,
                                             target_date=date(2027, 1, 1))
        Objective.objects.create(challenge=challenge, title="Sans mesure", unit="t",
                                 baseline=0, target=10, target_date=date(2027, 1, 1))
        Measurement.objects.create(objective=objective, measured_on=date(2026, 2, 27),
                                   value=3, source="Comptage")


def test_selecting_reminders_takes_two_queries_whatever_the_number_of_clusters(
        django_assert_num_queries, db):
    many_clusters(1)
    with django_assert_num_queries(2):
        assert len(due_milestone_reminders(MONDAY, 7)) == 1
    many_clusters(6)
    with django_assert_num_queries(2):
        assert len(due_milestone_reminders(MONDAY, 7)) == 7


# Weekly digest ----------------------------------------------------------------------------------

@pytest.fixture
def objectives(cluster_a, facilitator):
    challenge = Challenge.objects.create(cluster=cluster_a, title="Cultiver Marseille")
    measured = Objective.objects.create(challenge=challenge, title="Surfaces cultivées",
                                        unit="hectares", baseline=12, target=40,
                                        target_date=date(2027, 6, 1))
    never = Objective.objects.create(challenge=challenge, title="Jardins partagés",
                                     unit="jardins", baseline=2, target=10,
                                     target_date=date(2027, 6, 1))
    recent = Measurement.objects.create(objective=measured, measured_on=date(2026, 2, 26),
                                        value=Decimal("19.5"), source="Enquête",
                                        created_by=facilitator)
    old = Measurement.objects.create(objective=measured, measured_on=date(2026, 1, 15),
                                     value=15, source="Enquête")
    paris = timezone.get_current_timezone()
    Measurement.objects.filter(pk=recent.pk).update(
        created_at=datetime.combine(date(2026, 2, 27), time(18), tzinfo=paris))
    Measurement.objects.filter(pk=old.pk).update(
        created_at=datetime.combine(date(2026, 1, 15), time(9), tzinfo=paris))
    return measured, never


def test_the_digest_sums_up_the_week_of_each_cluster(facilitator, member_a, cluster_a,
                                                     objectives, mailoutbox, run):
    milestone(cluster_a, "Carte partagée", date(2026, 2, 20), number=1)
    milestone(cluster_a, "Comité installé", date(2026, 3, 16))  # today + 14
    milestone(cluster_a, "Tiers-lieu choisi", date(2026, 3, 17), number=3)
    milestone(cluster_a, "Atteint en retard", date(2026, 2, 10), done_on=date(2026, 2, 25))

    assert run(tasks.send_weekly_digest, MONDAY.isoformat()) == 1

    [message] = mailoutbox
    assert message.to == ["animatrice@exemple.fr"]
    assert message.subject == "Vos clusters : la synthèse de la semaine du 2 mars 2026"
    body = message.body
    assert "Aix-Marseille-Provence" in body
    assert "1 jalon en retard" in body and "Carte partagée" in body
    assert "Jalons des 14 prochains jours" in body and "lundi 16 mars : Comité installé" in body
    assert "Tiers-lieu choisi" not in body and "Atteint en retard" not in body
    assert "Surfaces cultivées : 19,5 hectares (au 26 février 2026)" in body
    assert "15 hectares" not in body
    assert "Jardins partagés (défi « Cultiver Marseille »)" in body
    assert f"https://clusters.example.org/clusters/{cluster_a.pk}/" in body
    html, _mimetype = message.alternatives[0]
    assert "Jardins partagés" in html and "Carte partagée" in html


def test_no_digest_for_a_facilitator_with_nothing_to_say(facilitator, member_b, collective_b,
                                                         cluster_a, cluster_b, mailoutbox, run):
    MembershipFactory(collective=collective_b, role=Membership.Role.FACILITATOR,
                      user__email="anim.lyon@exemple.fr")
    milestone(cluster_a, "Comité installé", date(2026, 3, 10))
    milestone(cluster_b, "Loin devant", date(2026, 6, 1))
    milestone(cluster_b, "Atteint", date(2026, 2, 1), done_on=date(2026, 2, 1))
    assert run(tasks.send_weekly_digest, MONDAY.isoformat()) == 1
    assert recipients(mailoutbox) == ["animatrice@exemple.fr"]


def test_a_facilitator_of_two_clusters_gets_one_digest(facilitator, collective_b, cluster_a,
                                                       cluster_b, mailoutbox, run):
    facilitate(facilitator, collective_b)
    milestone(cluster_a, "Comité installé", date(2026, 3, 10))
    milestone(cluster_b, "Tiers-lieu choisi", date(2026, 3, 3), number=3)
    run(tasks.send_weekly_digest, MONDAY.isoformat())
    [message] = mailoutbox
    assert message.body.index("Aix-Marseille-Provence") < message.body.index("Lyon-Métropole")
    assert "Tiers-lieu choisi" in message.body and "Comité installé" in message.body


def test_nobody_gets_a_digest_when_nothing_happens(facilitator, staff, cluster_a, mailoutbox,
                                                   run):
    assert run(tasks.send_weekly_digest, MONDAY.isoformat()) == 0
    assert mailoutbox == []


def test_selecting_digests_takes_five_queries_whatever_the_number_of_clusters(
        django_assert_num_queries, db):
    many_clusters(1)
    with django_assert_num_queries(5):
        digests = weekly_digests(MONDAY)
    assert len(digests) == 1
    many_clusters(6)
    with django_assert_num_queries(5):
        digests = weekly_digests(MONDAY)
    assert len(digests) == 7
    assert Cluster.objects.count() == 7
    [item] = digests[0].clusters
    assert [m.title for m in item.late] == ["En retard"]
    assert [m.title for m in item.upcoming] == ["Première rencontre"]
    assert [o.title for o in item.unmeasured] == ["Sans mesure"]


# The schedule ----------------------------------------------------------------------------------

def test_beat_runs_reminders_daily_at_seven_and_the_digest_on_mondays_at_eight(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    reminders = schedule["rappels-des-jalons"]
    digest = schedule["synthese-hebdomadaire-des-clusters"]
    assert reminders["task"] in celery_app.tasks and digest["task"] in celery_app.tasks
    assert reminders["schedule"] == crontab(hour=7, minute=0)
    assert digest["schedule"] == crontab(hour=8, minute=0, day_of_week="monday")
    assert settings.CELERY_TIMEZONE == "Europe/Paris"


# The scheduler closes database connections that are not in autocommit mode, as a test
# transaction is: this test runs outside one.
@pytest.mark.django_db(transaction=True)
def test_the_database_scheduler_picks_the_schedule_up():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=celery_app)
    task = PeriodicTask.objects.get(name="synthese-hebdomadaire-des-clusters")
    assert task.task == "cluster.tasks.send_weekly_digest"
    schedule = task.crontab
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ("8", "0", "monday")
    assert str(task.crontab.timezone) == "Europe/Paris"
    assert PeriodicTask.objects.get(name="rappels-des-jalons").crontab.hour == "7"
