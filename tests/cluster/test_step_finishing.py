"""A roadmap step is finished only once started and with its milestones reached.

The service refuses the rest in French; the page and the API say so; the dashboard and the
schéma directeur count finished steps the same way.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.masterplan import roadmap_data
from cluster.models import Milestone, RoadmapStep
from cluster.selectors import dashboard
from cluster.services import step_update
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

DONE = RoadmapStep.Status.DONE


@pytest.fixture
def step(cluster):
    """Step 2 of collective A's cluster (2026): started long ago, two milestones open."""
    step = cluster.steps.get(number=2)
    assert step.milestones.filter(done_on=None).count() == 2
    return step


def finish(step, by, **extra):
    return step_update(step=step, start_date=step.start_date, end_date=step.end_date,
                       status=DONE, by=by, **extra)


def test_a_started_step_with_every_milestone_reached_is_finished(step, facilitator):
    step.milestones.update(done_on=step.end_date)
    assert finish(step, facilitator).status == DONE
    assert RoadmapStep.objects.get(pk=step.pk).status == DONE


def test_a_step_not_yet_started_cannot_be_finished(step, facilitator):
    step.milestones.update(done_on=step.end_date)
    later = timezone.localdate() + timedelta(days=3)
    with pytest.raises(DomainError) as refused:
        step_update(step=step, start_date=later, end_date=later + timedelta(days=30),
                    status=DONE, by=facilitator)
    assert refused.value.code == "step_not_started"
    assert "ne peut pas être terminée avant d'avoir commencé" in refused.value.message
    assert RoadmapStep.objects.get(pk=step.pk).status == RoadmapStep.Status.TODO


def test_a_step_with_open_milestones_is_refused_naming_them(step, facilitator):
    with pytest.raises(DomainError) as refused:
        finish(step, facilitator)
    assert refused.value.code == "milestones_open"
    assert refused.value.status == 409
    titles = list(step.milestones.values_list("title", flat=True))
    assert refused.value.message.startswith("2 jalons restent à atteindre")
    assert all(f"« {title} »" in refused.value.message for title in titles)
    assert RoadmapStep.objects.get(pk=step.pk).status == RoadmapStep.Status.TODO
    assert not step.milestones.exclude(done_on=None).exists()


def test_one_open_milestone_is_named_in_the_singular(step, facilitator):
    first = step.milestones.order_by("position").first()
    step.milestones.exclude(pk=first.pk).update(done_on=step.end_date)
    with pytest.raises(DomainError) as refused:
        finish(step, facilitator)
    assert refused.value.message.startswith(f"Un jalon reste à atteindre avant de terminer "
                                            f"l'étape : « {first.title} ».")


def test_the_facilitator_may_confirm_closing_the_open_milestones(step, facilitator):
    reached = step.milestones.order_by("position").first()
    reached.done_on = step.start_date
    reached.save()
    finish(step, facilitator, close_milestones=True)
    today = timezone.localdate()
    assert RoadmapStep.objects.get(pk=step.pk).status == DONE
    assert dict(step.milestones.values_list("pk", "done_on")) == {
        **{pk: today for pk in step.milestones.values_list("pk", flat=True)},
        reached.pk: step.start_date}


def test_closing_milestones_never_finishes_a_step_not_started(step, facilitator):
    later = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError):
        step_update(step=step, start_date=later, end_date=later, status=DONE, by=facilitator,
                    close_milestones=True)
    assert not step.milestones.exclude(done_on=None).exists()


def test_the_page_shows_the_refusal_and_offers_to_close(client, facilitator, cluster, step):
    client.force_login(facilitator)
    url = reverse("step_edit", args=[cluster.pk, step.pk])
    data = {"start_date": step.start_date.isoformat(), "end_date": step.end_date.isoformat(),
            "status": "done"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "2 jalons restent à atteindre" in page_text(refused)
    assert "Clôturer les jalons restants" in page_text(refused)
    assert RoadmapStep.objects.get(pk=step.pk).status == RoadmapStep.Status.TODO
    accepted = client.post(url, {**data, "close_milestones": "on"})
    assert accepted.status_code == 302
    assert RoadmapStep.objects.get(pk=step.pk).status == DONE


def test_the_api_refuses_with_409_and_accepts_the_confirmation(client, facilitator, step):
    client.force_login(facilitator)
    url = reverse("api:step-detail", args=[step.pk])
    refused = client.patch(url, {"status": "done"}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "milestones_open"
    assert "2 jalons restent à atteindre" in refused.json()["detail"]
    bad = client.patch(url, {"status": "done", "close_milestones": "peut-être"},
                       content_type="application/json")
    assert bad.status_code == 400
    assert "close_milestones" in bad.json()["errors"]
    accepted = client.patch(url, {"status": "done", "close_milestones": True},
                            content_type="application/json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "done"
    assert "close_milestones" not in accepted.json()


def test_the_api_refuses_to_finish_a_step_not_started(client, facilitator, step):
    step.milestones.update(done_on=step.end_date)
    client.force_login(facilitator)
    later = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.patch(reverse("api:step-detail", args=[step.pk]),
                            {"status": "done", "start_date": later, "end_date": later},
                            content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "step_not_started"


def test_dashboard_and_master_plan_count_finished_steps_alike(cluster):
    """Steps marked done before the rule (or since reopened) are not counted as finished."""
    today = timezone.localdate()
    steps = list(cluster.steps.order_by("number"))
    # 1: done, milestones reached; 2: done but a milestone reopened; 3: done, not started.
    steps[0].milestones.update(done_on=steps[0].end_date)
    steps[1].milestones.update(done_on=steps[1].end_date)
    Milestone.objects.filter(pk=steps[1].milestones.first().pk).update(done_on=None)
    RoadmapStep.objects.filter(pk=steps[2].pk).update(
        start_date=today + timedelta(days=5), end_date=today + timedelta(days=40))
    steps[2].milestones.update(done_on=today)
    RoadmapStep.objects.filter(pk__in=[s.pk for s in steps[:3]]).update(status=DONE)
    cluster.refresh_from_db()
    figures = dict(roadmap_data(cluster)["figures"])
    assert figures["Étapes terminées"] == "1 / 7"
    assert dashboard(cluster, today)["finished_step_count"] == 1


def test_the_dashboard_page_shows_the_count(client, facilitator, cluster):
    first = cluster.steps.get(number=1)
    first.milestones.update(done_on=first.end_date)
    RoadmapStep.objects.filter(pk=first.pk).update(status=DONE)
    client.force_login(facilitator)
    text = page_text(client.get(reverse("cluster_dashboard", args=[cluster.pk])))
    assert "1 / 7 étapes terminées" in text
