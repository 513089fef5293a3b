"""Pages that used to render everything show a page at a time."""

import re
from datetime import date, timedelta

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


# The dashboard, the défis' page and an objective's measurements ---------------------------

def _challenges(cluster, count):
    from cluster.models import Challenge
    return Challenge.objects.bulk_create(
        Challenge(cluster=cluster, title=f"Défi {n:02}", kind="social", position=n)
        for n in range(count))


def test_the_dashboard_shows_the_first_defis_and_milestones_with_links_to_all(
        client, facilitator, cluster, step):
    from cluster.selectors import DASHBOARD_CHALLENGES, DASHBOARD_STEP_MILESTONES

    cluster.challenges.all().delete()
    _challenges(cluster, DASHBOARD_CHALLENGES + 2)
    today = timezone.localdate()
    step.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(step=step, title=f"Jalon {n:02}", position=n,
                  due_date=today - timedelta(days=n + 1)) for n in range(9))
    client.force_login(facilitator)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    text = " ".join(response.text.split())
    assert len(response.context["challenges"]) == DASHBOARD_CHALLENGES
    assert f"Voir les {DASHBOARD_CHALLENGES + 2} défis et leurs objectifs" in text
    assert reverse("challenge_list", args=[cluster.pk]) in text
    late = Milestone.objects.filter(step__cluster=cluster, done_on=None,
                                    due_date__lt=today).count()
    assert late >= 9 and len(response.context["late_milestones"]) == 5
    assert f"{late} jalons en retard" in text, re.findall(r".{80}jalons en retard.{20}", text)
    shown = next(s for s in response.context["steps"] if s.pk == step.pk).milestone_preview
    assert [m.title for m in shown] == [f"Jalon {n:02}" for n in range(DASHBOARD_STEP_MILESTONES)]
    assert "Voir les 9 jalons de l&#x27;étape" in response.text or \
        "Voir les 9 jalons de l'étape" in text


def test_the_dashboard_keeps_its_words_when_nothing_is_there(client, facilitator, cluster):
    cluster.challenges.all().delete()
    client.force_login(facilitator)
    text = " ".join(client.get(reverse("cluster_dashboard", args=[cluster.pk])).text.split())
    assert "Aucun défi pour l&#x27;instant" in text or "Aucun défi pour l'instant" in text
    assert "Ajouter un défi" in text and "défis et leurs objectifs" not in text


def test_the_defis_page_shows_them_a_page_at_a_time_in_constant_queries(
        client, facilitator, cluster, django_assert_max_num_queries):
    from cluster.views.clusters import CHALLENGES_PAGE

    cluster.challenges.all().delete()
    url = reverse("challenge_list", args=[cluster.pk])
    client.force_login(facilitator)
    empty = client.get(url)
    assert "Commencez par « Ajouter un défi »." in " ".join(empty.text.split())
    _challenges(cluster, 3)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    _challenges(cluster, CHALLENGES_PAGE + 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(url)
    assert len(first.context["challenges"]) == CHALLENGES_PAGE and "?page=2" in first.text
    assert len(client.get(url, {"page": 2}).context["challenges"]) == 5
    for bad in ("x", "-1", "99999999999999999999"):
        assert client.get(url, {"page": bad}).status_code == 200
    assert client.get(url, {"page": "\x00"}).status_code == 400  # NUL: refused by the site


@pytest.mark.parametrize(("role", "status"), [
    (None, 302), ("member_b", 404), ("reviewer", 404), ("member_a", 200), ("facilitator", 200),
    ("staff", 200)])
def test_the_defis_page_is_for_the_cluster_people(client, cast, cluster, role, status):
    if role:
        client.force_login(cast[role])
    assert client.get(reverse("challenge_list", args=[cluster.pk])).status_code == status


def test_an_objective_shows_its_measurements_a_page_at_a_time(
        client, facilitator, cluster, django_assert_max_num_queries):
    from cluster.models import Challenge, Measurement, Objective
    from cluster.views.clusters import CHART_POINTS, MEASUREMENTS_PAGE

    challenge = Challenge.objects.create(cluster=cluster, title="Défi mesuré")
    objective = Objective.objects.create(challenge=challenge, title="Objectif", unit="u",
                                         baseline=0, target=10, target_date=date(2030, 1, 1))
    url = reverse("objective_detail", args=[cluster.pk, objective.pk])
    client.force_login(facilitator)
    assert "enregistrez la première" in client.get(url).text
    Measurement.objects.create(objective=objective, measured_on=date(2020, 1, 1), value=1)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    Measurement.objects.bulk_create(
        Measurement(objective=objective, measured_on=date(2020, 1, 2) + timedelta(days=n),
                    value=n) for n in range(CHART_POINTS + 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(url)
    assert len(first.context["measurements"]) == MEASUREMENTS_PAGE
    assert "?mesures=2" in first.text
    assert len(first.context["chart"]["values"]) == CHART_POINTS
    assert first.context["chart"]["labels"][-1] == (
        date(2020, 1, 2) + timedelta(days=CHART_POINTS + 9)).isoformat()
    assert "dernières mesures ; le tableau les donne toutes" in first.text
    last = client.get(url, {"mesures": 3})
    assert last.context["measurements"][0].measured_on == date(2020, 1, 1) + timedelta(
        days=2 * MEASUREMENTS_PAGE)


# Community lists ---------------------------------------------------------------------------

def test_a_collectives_member_actors_come_a_page_at_a_time_by_family(
        client, facilitator, cluster):
    from cluster.models import CollectiveActor
    from cluster.views.collectives import ACTORS_PER_PAGE
    from territories.models import Actor

    collective = cluster.collective
    families = CollectiveActor.Family.values
    actors = Actor.objects.bulk_create(
        Actor(territory=cluster.territory, name=f"Acteur {n:03}")
        for n in range(ACTORS_PER_PAGE + 4))
    CollectiveActor.objects.bulk_create(
        CollectiveActor(collective=collective, actor=actor, family=families[n % 2])
        for n, actor in enumerate(actors))
    client.force_login(facilitator)
    url = reverse("collective_detail", args=[collective.slug])
    first = client.get(url)
    shown = [link for _label, links in first.context["families"] for link in links]
    assert len(shown) == ACTORS_PER_PAGE and "?acteurs=2" in first.text
    assert {link.family for link in shown} == set(families[:2])
    assert f"{ACTORS_PER_PAGE + 4} acteurs de 2 familles" in " ".join(first.text.split())
    second = client.get(url, {"acteurs": 2})
    rest = [link for _label, links in second.context["families"] for link in links]
    assert len(rest) == 4 and not {link.pk for link in rest} & {link.pk for link in shown}
    # The families' order holds across pages: the first family ends before the second.
    order = [families.index(link.family) for link in shown + rest]
    assert order == sorted(order)
    assert client.get(url, {"acteurs": "x"}).status_code == 200


def test_the_people_drifting_away_come_a_page_at_a_time(client, facilitator, cluster):
    from projects.views.community import PAGE_SIZE
    from tests.projects.factories import CommunityMemberFactory

    long_ago = timezone.localdate() - timedelta(weeks=30)
    for n in range(PAGE_SIZE + 2):
        CommunityMemberFactory(cluster=cluster, name=f"Personne {n:02}", joined_on=long_ago)
    client.force_login(facilitator)
    url = reverse("projects:community", args=[cluster.pk])
    first = client.get(url)
    assert len(first.context["drifting"]) == PAGE_SIZE
    assert first.context["drifting_page"].paginator.count == PAGE_SIZE + 2
    assert "absents=2" in first.text and "participants=2" in first.text
    assert len(client.get(url, {"absents": 2}).context["drifting"]) == 2
    table = client.get(url, {"participants": 2}).context["participation"]
    assert len(table["rows"]) == 2
