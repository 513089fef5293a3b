"""Clusters: the 7-step roadmap, défis, objectives and measurements, the dashboard."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import Challenge, Measurement, Milestone, Objective
from cluster.services import cluster_create, measurement_record, objective_save
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_cluster(collective_a):
    from tests.territories.factories import TerritoryFactory

    return cluster_create(collective=collective_a, territory=TerritoryFactory(),
                          start_date=date(2026, 1, 15), duration_months=12)


@pytest.fixture
def objective(cluster):
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille",
                                         kind="environnemental")
    return Objective.objects.create(challenge=challenge, title="Surfaces cultivées",
                                    unit="hectares", baseline=12, target=40,
                                    target_date=date(2029, 6, 1))


def test_creating_a_cluster_creates_the_seven_steps_over_its_duration(fresh_cluster):
    steps = list(fresh_cluster.steps.all())
    assert [step.kind for step in steps] == [
        "cartographier", "communaute", "espaces", "experimenter", "evenement",
        "changement_echelle", "schema_directeur"]
    assert steps[0].start_date == date(2026, 1, 15)
    assert steps[-1].end_date == date(2027, 1, 14)
    for before, after in zip(steps, steps[1:], strict=False):
        assert after.start_date == before.end_date + timedelta(days=1)
    assert Milestone.objects.filter(step__cluster=fresh_cluster).count() == 10


@pytest.mark.parametrize("months", [8, 13])
def test_a_cluster_lasts_9_to_12_months(collective_a, months):
    from tests.territories.factories import TerritoryFactory

    with pytest.raises(DomainError, match="de 9 à 12 mois"):
        cluster_create(collective=collective_a, territory=TerritoryFactory(),
                       start_date=date(2026, 1, 1), duration_months=months)


@pytest.mark.parametrize(("value", "share"), [(12, "0"), (19, "0.25"), (40, "1"), (55, "1"),
                                              (5, "0")])
def test_progress_is_computed_from_baseline_to_target(objective, value, share):
    assert objective.progress(Decimal(value)) == Decimal(share)


def test_progress_of_an_objective_to_reduce(objective):
    objective.baseline, objective.target, objective.direction = 900, 300, "decrease"
    assert objective.progress(Decimal(780)) == Decimal("0.2")


def test_second_save_of_the_same_version_is_refused(objective):
    first = Objective.objects.get(pk=objective.pk)
    second = Objective.objects.get(pk=objective.pk)
    objective_save(objective=first, fields={"target": Decimal(45)}, version=first.version)
    with pytest.raises(DomainError, match="Quelqu'un a modifié cet objectif"):
        objective_save(objective=second, fields={"target": Decimal(50)}, version=second.version)
    objective.refresh_from_db()
    assert objective.target == 45 and objective.version == 2


def test_conflict_is_shown_on_the_page_and_nothing_is_overwritten(client, facilitator,
                                                                   objective):
    client.force_login(facilitator)
    url = reverse("objective_update", args=[objective.challenge.cluster_id, objective.pk])
    data = {"title": "Surfaces", "unit": "ha", "baseline": "12", "target": "45",
            "direction": "increase", "target_date": "2029-06-01", "version": "1"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "target": "50"})
    assert response.status_code == 409
    assert "Quelqu'un a modifié cet objectif" in page_text(response)
    objective.refresh_from_db()
    assert objective.target == 45


def test_a_target_on_the_wrong_side_is_refused(client, facilitator, cluster):
    challenge = Challenge.objects.create(cluster=cluster, title="Défi")
    client.force_login(facilitator)
    response = client.post(reverse("objective_create", args=[cluster.pk, challenge.pk]), {
        "title": "Déchets", "unit": "tonnes", "baseline": "100", "target": "150",
        "direction": "decrease", "target_date": "2028-01-01"})
    assert response.status_code == 400
    assert "La cible doit dépasser la valeur de départ" in page_text(response)
    assert not Objective.objects.exists()


def test_members_record_measurements_and_bad_ones_are_refused(client, member_a, objective):
    client.force_login(member_a)
    url = reverse("objective_detail", args=[objective.challenge.cluster_id, objective.pk])
    ok = client.post(url, {"measured_on": "2026-03-01", "value": "19", "source": "Enquête"})
    assert ok.status_code == 302
    twice = client.post(url, {"measured_on": "2026-03-01", "value": "20", "source": "Enquête"})
    assert "Une mesure existe déjà à cette date" in page_text(twice)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    later = client.post(url, {"measured_on": future, "value": "20", "source": "Enquête"})
    assert "dans le futur" in page_text(later)
    missing = client.post(url, {"measured_on": "2026-04-01", "value": "", "source": ""})
    assert missing.status_code == 400
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal(19)]
    page = client.get(url)
    assert page.context["progress"] == Decimal("0.25")
    assert page.context["chart"]["values"] == [19.0]


def test_history_records_who_changed_an_objective(client, facilitator, objective):
    client.force_login(facilitator)
    client.post(reverse("objective_update", args=[objective.challenge.cluster_id, objective.pk]),
                {"title": "Surfaces", "unit": "ha", "baseline": "12", "target": "45",
                 "direction": "increase", "target_date": "2029-06-01", "version": "1"})
    record = objective.history.first()
    assert record.history_user == facilitator
    assert record.target == 45
    detail = client.get(reverse("objective_detail",
                                args=[objective.challenge.cluster_id, objective.pk]))
    assert "Camille Martin : modification" in page_text(detail)


@pytest.mark.parametrize(
    ("role", "read", "steer"),
    [("facilitator", 200, 200), ("member_a", 200, 403), ("member_b", 404, 404),
     ("reviewer", 404, 404), ("staff", 200, 200)],
)
def test_every_page_checks_the_role(client, cast, objective, role, read, steer):
    cluster = objective.challenge.cluster
    step = cluster.steps.first()
    client.force_login(cast[role])
    assert client.get(reverse("cluster_dashboard", args=[cluster.pk])).status_code == read
    assert client.get(reverse("objective_detail", args=[cluster.pk, objective.pk])) \
        .status_code == read
    for url in [reverse("challenge_create", args=[cluster.pk]),
                reverse("objective_update", args=[cluster.pk, objective.pk]),
                reverse("step_edit", args=[cluster.pk, step.pk])]:
        assert client.get(url).status_code == steer, url
    client.post(reverse("challenge_create", args=[cluster.pk]), {
        "title": "Nouveau défi", "kind": "social"})
    assert Challenge.objects.filter(title="Nouveau défi").exists() is (steer == 200)


def test_anonymous_is_sent_to_sign_in(client, cluster):
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_dashboard_shows_late_milestones_progress_and_next_actions(client, facilitator,
                                                                   objective):
    cluster = objective.challenge.cluster
    Milestone.objects.filter(step__cluster=cluster).update(done_on=date(2026, 1, 1))
    Milestone.objects.create(step=cluster.steps.first(), title="Carte partagée",
                             due_date=date(2026, 2, 1))
    measurement_record(objective=objective, measured_on=date(2026, 3, 1), value=Decimal(19),
                       source="Enquête", by=facilitator)
    client.force_login(facilitator)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    text = page_text(response)
    assert "1 jalon en retard" in text
    assert "Carte partagée" in text
    assert "25 %" in text
    assert "Définir au moins trois défis (1 pour l'instant)." in text
    assert "Le label demande au moins trois défis : 1 pour l'instant." in text


def test_marking_a_milestone_done(client, facilitator, fresh_cluster):
    milestone = Milestone.objects.filter(step__cluster=fresh_cluster).first()
    client.force_login(facilitator)
    url = reverse("milestone_done", args=[fresh_cluster.pk, milestone.pk])
    client.post(url, {"next": "https://ailleurs.example/"})
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    again = client.post(url, follow=True)
    assert "Ce jalon est déjà atteint." in page_text(again)


def test_only_one_step_in_progress(client, facilitator, fresh_cluster):
    first, second = fresh_cluster.steps.all()[:2]
    client.force_login(facilitator)
    for step in (first, second):
        client.post(reverse("step_edit", args=[fresh_cluster.pk, step.pk]), {
            "start_date": step.start_date.isoformat(), "end_date": step.end_date.isoformat(),
            "status": "doing"})
    assert list(fresh_cluster.steps.filter(status="doing")) == [second]
    bad = client.post(reverse("step_edit", args=[fresh_cluster.pk, first.pk]), {
        "start_date": "2026-05-01", "end_date": "2026-04-01", "status": "done"})
    assert "La fin de l'étape doit suivre son début." in page_text(bad)


def test_dashboard_query_count_does_not_grow(client, staff, fresh_cluster,
                                             django_assert_max_num_queries):
    client.force_login(staff)
    url = reverse("cluster_dashboard", args=[fresh_cluster.pk])

    def grow(count):
        for n in range(count):
            challenge = Challenge.objects.create(cluster=fresh_cluster, title=f"Défi {n}")
            for m in range(2):
                objective = Objective.objects.create(
                    challenge=challenge, title=f"Objectif {n}.{m}", unit="u", baseline=0,
                    target=10, target_date=date(2028, 1, 1))
                for day in range(3):
                    Measurement.objects.create(objective=objective, value=day,
                                               measured_on=date(2026, 1, day + 1), source="s")

    grow(1)
    # Bounded lists cost a query each (a count, the first rows), never one per row.
    with django_assert_max_num_queries(23) as few:
        client.get(url)
    grow(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(12) as listing:
        client.get(reverse("cluster_list"))
    assert len(listing.captured_queries) <= 12


def test_dashboard_counts_projects_by_stage_and_speaks_plainly(client, facilitator, cluster):
    from tests.projects.factories import ProjectFactory

    for stage in ["idee", "idee", "prototype"]:
        ProjectFactory(cluster=cluster, stage=stage)
    step = cluster.steps.get(number=1)
    for title in ("A", "B"):
        Milestone.objects.create(step=step, title=title, due_date=date(2020, 1, 1))
    client.force_login(facilitator)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    assert response.context["projects_by_stage"][:2] == [("idée", 2), ("prototype", 1)]
    text = page_text(response)
    assert "Traiter les " in text and "jalons en retard." in text
    assert "(s)" not in text


def test_demo_steps_marked_done_have_no_late_milestone(demo):
    from cluster.models import RoadmapStep

    today = timezone.localdate()
    done = Milestone.objects.filter(step__status=RoadmapStep.Status.DONE)
    assert not [m for m in done if m.is_late(today)]
    assert Milestone.objects.filter(step__status=RoadmapStep.Status.DOING, done_on=None,
                                    due_date__lt=today).exists()
