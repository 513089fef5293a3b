"""A stage change is dated within the project's life, and after the change before it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from projects.models import Project, StageChange
from projects.services import project_move_stage
from tests.helpers import page_text
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def project(cluster):
    """A project recorded today (the test clock), without a start date."""
    return ProjectFactory(cluster=cluster)


def move(project, on, by, to_stage="prototype"):
    return project_move_stage(project=project, to_stage=to_stage, reason="Comité", on=on, by=by)


def test_a_project_begins_at_its_start_or_its_recording_whichever_came_first(project):
    assert project.first_day() == today()
    project.start_date = today() - timedelta(days=400)
    assert project.first_day() == today() - timedelta(days=400)
    project.start_date = today() + timedelta(days=30)  # a planned start: recorded before it
    assert project.first_day() == today()


@pytest.mark.parametrize(
    ("start_days", "on_days", "code", "message"),
    [
        (None, -1, "change_before_project", "ne peut pas précéder la vie du projet, commencée le"),
        (-100, -101, "change_before_project", "ne peut pas précéder la vie du projet"),
        (None, 1, "future_change", "ne peut pas être daté dans le futur"),
        (-100, 3650, "future_change", "ne peut pas être daté dans le futur"),
    ],
)
def test_a_change_outside_the_projects_life_is_refused(project, facilitator, start_days,
                                                      on_days, code, message):
    if start_days is not None:
        Project.objects.filter(pk=project.pk).update(
            start_date=today() + timedelta(days=start_days))
    with pytest.raises(DomainError) as refused:
        move(project, today() + timedelta(days=on_days), facilitator)
    assert refused.value.code == code
    assert refused.value.field == "changed_on"
    assert message in refused.value.message
    project.refresh_from_db()
    assert project.stage == Project.Stage.IDEA
    assert not StageChange.objects.exists()


def test_a_change_may_fall_on_the_first_and_last_days_of_the_life(project, facilitator):
    Project.objects.filter(pk=project.pk).update(start_date=today() - timedelta(days=90))
    project.refresh_from_db()
    move(project, today() - timedelta(days=90), facilitator)
    move(project, today(), facilitator, to_stage="experimentation")
    assert project.stage_changes.count() == 2


def test_a_change_cannot_precede_the_previous_one(project, facilitator):
    Project.objects.filter(pk=project.pk).update(start_date=today() - timedelta(days=90))
    project.refresh_from_db()
    move(project, today() - timedelta(days=10), facilitator)
    with pytest.raises(DomainError) as refused:
        move(project, today() - timedelta(days=11), facilitator, to_stage="experimentation")
    assert refused.value.code == "change_before_previous"
    assert "ne peut pas précéder le précédent, daté du" in refused.value.message
    move(project, today() - timedelta(days=10), facilitator, to_stage="experimentation")
    assert project.stage_changes.count() == 2


def test_the_page_says_why_and_its_date_picker_is_bounded(client, member_a, project):
    client.force_login(member_a)
    page = page_text(client.get(project.get_absolute_url()))
    assert f'min="{today().isoformat()}"' in page and f'max="{today().isoformat()}"' in page
    response = client.post(reverse("projects:move_stage", args=[project.slug]), {
        "to_stage": "prototype", "reason": "Retenu",
        "changed_on": (today() - timedelta(days=365)).isoformat()}, follow=True)
    assert "Un changement d'étape ne peut pas précéder la vie du projet" in page_text(response)
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(
    ("changed_on", "status", "code"),
    [
        ("2001-01-01", 400, "change_before_project"),
        ("9999-12-31", 400, "future_change"),
        ("0000-01-01", 400, "invalid"),
        ("hier", 400, "invalid"),
        (None, 400, "invalid"),
    ],
)
def test_the_api_refuses_dates_outside_the_life(client, member_a, project, changed_on, status,
                                                code):
    client.force_login(member_a)
    response = client.post(reverse("api:project-move-stage", args=[project.slug]),
                           {"to_stage": "prototype", "reason": "Retenu",
                            "changed_on": changed_on}, content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not StageChange.objects.exists()
