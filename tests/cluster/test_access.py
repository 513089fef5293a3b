"""The access objects: one per object type, computed in one query, for every role; the
refusal messages they carry reach the 403 page and the API."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from cluster.models import RoadmapStep
from cluster.permissions import CLUSTER_MESSAGES, cluster_access, collective_access
from projects.models import Project
from projects.permissions import PROJECTS_MESSAGES, project_access
from projects.services import project_replicate
from territories.permissions import territory_access
from tests.projects.factories import ActorFactory, ChallengeFactory, ProjectFactory

ROLES = ["anonymous", "member_a", "facilitator", "facilitator_b", "reviewer", "staff"]


@pytest.fixture
def people(people):
    return {**people, "anonymous": AnonymousUser()}


@pytest.fixture
def project(cluster):
    return ProjectFactory(cluster=cluster, title="Micro-ferme urbaine", slug="micro-ferme")


def _rights(access, names):
    return {name: getattr(access, f"can_{name}") for name in names}


# The access objects, role by role -----------------------------------------------------------

CLUSTER_RIGHTS = ("read", "measure", "upload", "write_master_plan", "steer",
                  "adopt_master_plan")
MEMBER = dict.fromkeys(CLUSTER_RIGHTS, True) | {"steer": False, "adopt_master_plan": False}


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", None),
    ("member_a", MEMBER),
    ("facilitator", dict.fromkeys(CLUSTER_RIGHTS, True)),
    ("facilitator_b", None),
    ("reviewer", None),
    ("staff", dict.fromkeys(CLUSTER_RIGHTS, True)),
])
def test_cluster_access_per_role(people, cluster, role, expected):
    if expected is None:
        with pytest.raises(Http404):
            cluster_access(people[role], cluster.pk)
        return
    access = cluster_access(people[role], cluster.pk)
    assert access.cluster == cluster
    assert _rights(access, CLUSTER_RIGHTS) == expected


@pytest.mark.parametrize("role", ["member_a", "facilitator", "staff"])
def test_cluster_access_costs_one_query(people, cluster, role, django_assert_num_queries):
    with django_assert_num_queries(1):
        access = cluster_access(people[role], cluster.pk)
        assert access.cluster.collective.name and access.cluster.territory.name
        assert access.can_steer == (role != "member_a")


@pytest.mark.parametrize(("role", "manages"), [
    ("anonymous", None), ("member_a", False), ("facilitator", True),
    ("facilitator_b", None), ("reviewer", None), ("staff", True),
])
def test_collective_access_per_role(people, collective_a, role, manages):
    if manages is None:
        with pytest.raises(Http404):
            collective_access(people[role], collective_a.slug)
        return
    access = collective_access(people[role], collective_a.slug)
    assert (access.collective, access.can_manage) == (collective_a, manages)


PROJECT_RIGHTS = ("read", "work_on", "delete", "manage_events")


@pytest.mark.parametrize("published", [False, True])
@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", None),
    ("member_a", (True, True, False, False)),
    ("facilitator", (True, True, True, True)),
    ("facilitator_b", None),
    ("reviewer", None),
    ("staff", (True, True, True, True)),
])
def test_project_access_per_role(people, project, role, expected, published,
                                 django_assert_max_num_queries):
    Project.objects.filter(pk=project.pk).update(is_published=published)
    if expected is None and published:
        expected = (True, False, False, False)  # the public reads a published project
    if expected is None:
        with pytest.raises(Http404):
            project_access(people[role], project.slug)
        return
    with django_assert_max_num_queries(1):
        access = project_access(people[role], project.slug)
        assert tuple(_rights(access, PROJECT_RIGHTS).values()) == expected
    assert access.project == project


@pytest.mark.parametrize(("role", "expected"), [
    # territory_b is a draft stewarded by collective B.
    ("anonymous", None), ("member_a", None), ("member_b", (False, True)),
    ("facilitator_b", (True, True)), ("reviewer", None), ("staff", (True, True)),
])
def test_territory_access_per_role(people, territory_b, role, expected,
                                   django_assert_max_num_queries):
    if expected is None:
        with pytest.raises(Http404):
            territory_access(people[role], territory_b.slug)
        return
    with django_assert_max_num_queries(1):
        access = territory_access(people[role], territory_b.slug)
        assert (access.can_edit, access.can_map) == expected


# What a refused person reads ----------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("member_a", 403), ("facilitator", 200), ("facilitator_b", 404),
    ("reviewer", 404), ("staff", 200),
])
def test_the_403_page_says_who_may_do_it(client, people, cluster, role, status):
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(reverse("challenge_create", args=[cluster.pk]))
    assert response.status_code == status
    if status == 403:
        assert str(CLUSTER_MESSAGES["steer"]) in response.content.decode()


def test_the_403_page_escapes_the_message(client, member_a, cluster, monkeypatch):
    monkeypatch.setitem(CLUSTER_MESSAGES, "steer", "<b>Réservé</b>")
    client.force_login(member_a)
    content = client.get(reverse("challenge_create", args=[cluster.pk])).content.decode()
    assert "&lt;b&gt;Réservé&lt;/b&gt;" in content
    assert "<b>Réservé</b>" not in content


@pytest.mark.parametrize(("role", "status"), [
    ("member_a", 403), ("facilitator", 201), ("facilitator_b", 400), ("reviewer", 400),
    ("staff", 201),
])
def test_the_api_says_who_may_do_it(client, people, cluster, role, status):
    client.force_login(people[role])
    response = client.post(reverse("api:challenge-list"), {
        "cluster": cluster.pk, "title": "Mieux manger", "kind": "social"},
        content_type="application/json")
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json() == {"detail": CLUSTER_MESSAGES["steer"],
                                   "code": "permission_denied"}


# Deleting a project: one service for the page and the API ---------------------------------

@pytest.fixture
def replicated(project, collective_b, territory_b, facilitator_b):
    cluster_b = territory_b.clusters.get()
    ChallengeFactory(cluster=cluster_b, title="Défi de l'accessibilité alimentaire")
    collective_b.actor_links.create(actor=ActorFactory(territory=territory_b), family="ess")
    project_replicate(origin=project, cluster=cluster_b, by=facilitator_b)
    return project


def test_the_api_answers_409_to_deleting_a_replicated_project(client, facilitator, replicated):
    client.force_login(facilitator)
    response = client.delete(reverse("api:project-detail", args=[replicated.slug]))
    assert response.status_code == 409
    assert response.json()["code"] == "replicated"
    assert Project.objects.filter(pk=replicated.pk).exists()


def test_the_page_keeps_a_replicated_project_and_says_why(client, facilitator, replicated):
    client.force_login(facilitator)
    response = client.post(reverse("projects:delete", args=[replicated.slug]), follow=True)
    assert "essaimé ailleurs" in response.content.decode()
    assert Project.objects.filter(pk=replicated.pk).exists()


@pytest.mark.parametrize(("role", "status"), [
    ("member_a", 403), ("facilitator", 204), ("facilitator_b", 404), ("reviewer", 404),
    ("staff", 204),
])
def test_who_deletes_a_project_through_the_api(client, people, project, role, status):
    client.force_login(people[role])
    response = client.delete(reverse("api:project-detail", args=[project.slug]))
    assert response.status_code == status
    assert Project.objects.filter(pk=project.pk).exists() == (status != 204)
    if status == 403:
        assert response.json()["detail"] == PROJECTS_MESSAGES["delete"]


@pytest.mark.parametrize(("role", "status"), [
    ("member_a", 403), ("facilitator", 302), ("facilitator_b", 404), ("staff", 302),
])
def test_who_deletes_a_project_through_the_page(client, people, project, role, status):
    client.force_login(people[role])
    response = client.post(reverse("projects:delete", args=[project.slug]))
    assert response.status_code == status
    assert Project.objects.filter(pk=project.pk).exists() == (status != 302)
    if status == 403:
        assert str(PROJECTS_MESSAGES["delete"]) in response.content.decode()


# A step's dates and status: one service for the page and the API -------------------------

def test_the_api_changes_a_step_through_the_service(client, facilitator, cluster):
    first, second = cluster.steps.order_by("number")[:2]
    RoadmapStep.objects.filter(pk=first.pk).update(status=RoadmapStep.Status.DOING)
    client.force_login(facilitator)
    response = client.patch(reverse("api:step-detail", args=[second.pk]),
                            {"status": "doing"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "doing"
    first.refresh_from_db()
    assert first.status == RoadmapStep.Status.TODO  # one step in progress at a time


def test_the_api_refuses_a_step_to_a_member_with_the_message(client, member_a, cluster):
    step = cluster.steps.first()
    client.force_login(member_a)
    response = client.patch(reverse("api:step-detail", args=[step.pk]),
                            {"status": "done"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == CLUSTER_MESSAGES["steer"]
    step.refresh_from_db()
    assert step.status != RoadmapStep.Status.DONE


def test_the_page_changes_a_step_through_the_service(client, facilitator, cluster):
    first, second = cluster.steps.order_by("number")[:2]
    RoadmapStep.objects.filter(pk=first.pk).update(status=RoadmapStep.Status.DOING)
    client.force_login(facilitator)
    response = client.post(reverse("step_edit", args=[cluster.pk, second.pk]), {
        "start_date": "2026-03-01", "end_date": "2026-04-30", "status": "doing"})
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, str(second.start_date)) == ("doing", "2026-03-01")
    assert first.status == RoadmapStep.Status.TODO
