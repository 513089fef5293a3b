"""The project board shows the first projects of each stage, with a link to all of them."""

import pytest
from django.urls import reverse

from projects.models import Project
from projects.selectors import BOARD_COLUMN_SIZE
from tests.projects.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def _projects(cluster, count, stage=Project.Stage.IDEA, start=0):
    challenge = cluster.challenges.first() or ChallengeFactory(cluster=cluster)
    Project.objects.bulk_create(
        Project(cluster=cluster, challenge=challenge, title=f"Projet {n:03}",
                slug=f"projet-{cluster.pk}-{n}", summary="Résumé", stage=stage)
        for n in range(start, start + count))


def test_each_column_shows_its_first_projects_and_links_to_the_rest(
        client, facilitator, cluster, django_assert_max_num_queries):
    url = reverse("projects:board", args=[cluster.pk])
    client.force_login(facilitator)
    _projects(cluster, 2)
    _projects(cluster, 1, Project.Stage.IMPACT, start=500)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    _projects(cluster, BOARD_COLUMN_SIZE * 3, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    columns = {stage: (projects, count) for stage, _label, projects, count
               in response.context["columns"]}
    shown, count = columns[Project.Stage.IDEA]
    assert count == BOARD_COLUMN_SIZE * 3 + 2 and len(shown) == BOARD_COLUMN_SIZE
    assert [p.title for p in shown] == [f"Projet {n:03}" for n in range(BOARD_COLUMN_SIZE)]
    assert columns[Project.Stage.IMPACT][1] == 1 and len(columns[Project.Stage.IMPACT][0]) == 1
    assert f"Voir les {count} projets à cette étape" in response.text
    assert f'{reverse("projects:list", args=[cluster.pk])}?stage=idee' in response.text
    assert response.context["total"] == count + 1
    listed = client.get(reverse("projects:list", args=[cluster.pk]), {"stage": "idee"})
    assert listed.context["page"].paginator.count == count


def test_an_empty_board_says_what_to_do(client, facilitator, cluster):
    client.force_login(facilitator)
    text = " ".join(client.get(reverse("projects:board", args=[cluster.pk])).text.split())
    assert "ajoutez la première idée de la communauté avec « Nouveau projet »" in text
    assert "Voir les" not in text
