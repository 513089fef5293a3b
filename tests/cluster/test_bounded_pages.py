"""Pages that used to render everything show a page at a time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.models import Milestone
from cluster.views.roadmap import MILESTONES_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def step(cluster):
    return cluster.steps.get(number=1)


def test_the_step_page_shows_its_milestones_a_page_at_a_time(client, facilitator, step,
                                                              django_assert_max_num_queries):
    today = timezone.localdate()
    step.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(step=step, title=f"Jalon {n:03}", position=n,
                  due_date=today - timedelta(days=1) if n % 2 else today + timedelta(days=30))
        for n in range(MILESTONES_PAGE + 5))
    client.force_login(facilitator)
    url = reverse("step_detail", args=[step.cluster_id, step.pk])
    first = client.get(url)
    assert len(first.context["milestones"]) == MILESTONES_PAGE
    # Every late milestone is counted, not only those of the page.
    late = len([n for n in range(MILESTONES_PAGE + 5) if n % 2])
    assert f"{late} jalons en retard" in " ".join(first.text.split()), first.context["late_count"]
    assert "?jalons=2" in first.text
    with django_assert_max_num_queries(30):
        second = client.get(url, {"jalons": 2})
    assert [m.title for m in second.context["milestones"]] == [
        f"Jalon {n:03}" for n in range(MILESTONES_PAGE, MILESTONES_PAGE + 5)]
    assert client.get(url, {"jalons": "x"}).status_code == 200


def test_the_open_calls_come_a_page_at_a_time(client, django_assert_max_num_queries):
    from funding.views.dossiers import PAGE_SIZE
    from tests.funding.factories import CallFactory

    now = timezone.now()
    for n in range(PAGE_SIZE + 3):
        CallFactory(title=f"Appel ouvert {n:02}", opens_at=now - timedelta(days=1),
                    deadline=now + timedelta(days=10 + n))
    url = reverse("funding:call_list")
    first = client.get(url)
    opened = [call.title for call in first.context["open_calls"]]
    assert len(opened) == PAGE_SIZE and "?ouverts=2" in first.text
    with django_assert_max_num_queries(12):
        second = client.get(url, {"ouverts": 2})
    rest = [call.title for call in second.context["open_calls"]]
    assert not set(rest) & set(opened)
    assert {f"Appel ouvert {n:02}" for n in range(PAGE_SIZE + 3)} <= set(opened + rest)
