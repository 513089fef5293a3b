"""Pages that read one cluster, project or territory ask for the person's rights once.

Measured before the access objects (facilitator and member / staff): dashboard 16/15,
step 9/7, schéma directeur 8/6, engagements 7/6, project 18/16, board 7/6, events 5/4,
territory 19/19. The access object reads the object and the role in one query, so a
member now costs what staff costs. The menu then asked whether a signed-in person
(not staff) administers a funder, for its "Gestion" link: one query more.
"""

import pytest
from django.urls import reverse

from tests.projects.factories import ProjectFactory

# The step page counts its milestones (pages of fifty) and its late ones over them all.
# The dashboard and the board show the first rows of their lists (issue 15): the dashboard
# asks for each step's first milestones, the first late and upcoming ones, the counts of
# défis and objectives and the two kinds of next actions; the board counts each stage.
PAGES = {
    "dashboard": 21, "step": 10, "master_plan": 7, "engagements": 7, "project": 17,
    "board": 8, "events": 5, "territory": 18,
}


@pytest.fixture
def urls(territory_a):
    cluster = territory_a.clusters.get()
    project = ProjectFactory(cluster=cluster)
    return {
        "dashboard": reverse("cluster_dashboard", args=[cluster.pk]),
        "step": reverse("step_detail", args=[cluster.pk, cluster.steps.first().pk]),
        "master_plan": reverse("master_plan", args=[cluster.pk]),
        "engagements": reverse("engagement_list", args=[cluster.pk]),
        "project": reverse("projects:detail", args=[project.slug]),
        "board": reverse("projects:board", args=[cluster.pk]),
        "events": reverse("projects:event_list", args=[cluster.pk]),
        "territory": reverse("territories:detail", args=[territory_a.slug]),
    }


@pytest.mark.parametrize("role", ["facilitator", "member_a", "staff"])
@pytest.mark.parametrize("name", PAGES)
def test_the_page_asks_for_rights_once(client, cast, urls, role, name,
                                       django_assert_max_num_queries):
    client.force_login(cast[role])
    client.get(urls[name])  # the session and content types are read once per process
    with django_assert_max_num_queries(PAGES[name]):
        assert client.get(urls[name]).status_code == 200


@pytest.mark.parametrize("name", ["dashboard", "step", "board", "project"])
def test_a_reviewer_never_reads_a_collective_s_pages(client, reviewer, urls, name):
    client.force_login(reviewer)
    assert client.get(urls[name]).status_code == 404
