"""The cluster API: every role on every endpoint, bad inputs, constant query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.models import Challenge, Measurement, Milestone, Objective
from cluster.services import api_token_create
from tests.helpers import as_role

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff"]
# Who reads collective A's cluster, who steers it (roadmap, défis, objectives),
# who measures its objectives.
READERS = {"facilitator", "member_a", "staff"}
STEERERS = {"facilitator", "staff"}


@pytest.fixture
def challenge(cluster):
    return Challenge.objects.create(cluster=cluster, title="Cultiver Marseille",
                                    kind="environnemental")


@pytest.fixture
def objective(challenge):
    return Objective.objects.create(challenge=challenge, title="Surfaces cultivées",
                                    unit="hectares", baseline=12, target=40,
                                    target_date=date(2029, 6, 1))


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_each_role_lists_only_the_clusters_it_may_read(client, cast, cluster, territory_b,
                                                       role):
    response = as_role(client, cast, role).get(reverse("api:cluster-list"))
    if role == "anonymous":
        assert response.status_code == 401
        return
    listed = {item["territory"] for item in results(response)}
    expected = {
        "facilitator": {"aix-marseille-provence"}, "member_a": {"aix-marseille-provence"},
        "member_b": {"lyon-metropole"}, "reviewer": set(),
        "staff": {"aix-marseille-provence", "lyon-metropole"},
    }[role]
    assert listed == expected


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_cluster_and_its_defis_is_for_its_collective(client, cast, objective,
                                                               role):
    client = as_role(client, cast, role)
    cluster = objective.challenge.cluster
    urls = [
        reverse("api:cluster-detail", args=[cluster.pk]),
        reverse("api:challenge-detail", args=[objective.challenge.pk]),
        reverse("api:objective-detail", args=[objective.pk]),
        reverse("api:step-detail", args=[cluster.steps.first().pk]),
    ]
    for url in urls:
        # Others get a 404: they must not learn that the cluster exists.
        assert client.get(url).status_code == (200 if role in READERS else 404), url


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_and_staff_add_a_defi(client, cast, cluster, role):
    response = as_role(client, cast, role).post(
        reverse("api:challenge-list"),
        {"cluster": cluster.pk, "kind": "social", "title": "0 personne à la rue"},
        content_type="application/json",
    )
    # Outside the collective, the cluster is unknown (400), inside it needs a facilitator.
    assert response.status_code == (201 if role in STEERERS else 403 if role in READERS
                                    else 400)
    assert cluster.challenges.exists() == (role in STEERERS)


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_and_staff_change_an_objective(client, cast, objective, role):
    response = as_role(client, cast, role).patch(
        reverse("api:objective-detail", args=[objective.pk]),
        {"target": "50", "version": objective.version}, content_type="application/json",
    )
    assert response.status_code == {True: 200, False: 403 if role in READERS else 404}[
        role in STEERERS]
    objective.refresh_from_db()
    assert objective.target == (50 if role in STEERERS else 40)


@pytest.mark.parametrize("role", ROLES)
def test_every_member_records_a_measurement(client, cast, objective, role):
    response = as_role(client, cast, role).post(
        reverse("api:measurement-list"),
        {"objective": objective.pk, "measured_on": "2026-03-01", "value": "19",
         "source": "Comptage des jardins"},
        content_type="application/json",
    )
    assert response.status_code == (201 if role in READERS else 400)
    assert Measurement.objects.filter(objective=objective).exists() == (role in READERS)


def test_progress_is_computed_and_returned(client, facilitator, objective):
    Measurement.objects.create(objective=objective, measured_on=date(2026, 2, 1), value=26,
                               source="Comptage")
    client.force_login(facilitator)
    data = client.get(reverse("api:objective-detail", args=[objective.pk])).json()
    assert data["latest_value"] == "26.00"
    assert data["progress"] == pytest.approx(0.5)


def test_a_stale_version_is_refused_with_409(client, facilitator, objective):
    client.force_login(facilitator)
    url = reverse("api:objective-detail", args=[objective.pk])
    first = client.patch(url, {"target": "45", "version": 1}, content_type="application/json")
    assert first.status_code == 200
    second = client.patch(url, {"target": "60", "version": 1}, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["code"] == "edit_conflict"
    objective.refresh_from_db()
    assert objective.target == 45


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"value": "beaucoup"}, "value"),
        ({"measured_on": "31/02/2026"}, "measured_on"),
        ({"source": ""}, "source"),
    ],
)
def test_bad_measurements_are_refused_in_french(client, member_a, objective, payload, field):
    client.force_login(member_a)
    data = {"objective": objective.pk, "measured_on": "2026-03-01", "value": "19",
            "source": "Comptage", **payload}
    response = client.post(reverse("api:measurement-list"), data,
                           content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"detail", "code"}
    assert field in str(body)
    assert not Measurement.objects.exists()


def test_a_measurement_in_the_future_or_twice_the_same_day_is_refused(client, member_a,
                                                                     objective):
    client.force_login(member_a)
    url = reverse("api:measurement-list")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = client.post(url, {"objective": objective.pk, "measured_on": tomorrow,
                               "value": "20", "source": "Comptage"},
                         content_type="application/json")
    assert future.status_code == 400
    assert "futur" in future.json()["detail"]
    data = {"objective": objective.pk, "measured_on": "2026-03-01", "value": "20",
            "source": "Comptage"}
    assert client.post(url, data, content_type="application/json").status_code == 201
    again = client.post(url, data, content_type="application/json")
    assert again.status_code == 409
    assert Measurement.objects.count() == 1


def test_an_objective_whose_target_is_on_the_wrong_side_is_refused(client, facilitator,
                                                                   challenge):
    client.force_login(facilitator)
    response = client.post(
        reverse("api:objective-list"),
        {"challenge": challenge.pk, "title": "Moins de déchets", "unit": "tonnes",
         "baseline": "100", "target": "150", "direction": "decrease",
         "target_date": "2029-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "cible" in str(response.json())
    assert not Objective.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_roadmap_dates_and_status_change_only_for_steerers(client, cast, cluster, role):
    step = cluster.steps.get(number=2)
    response = as_role(client, cast, role).patch(
        reverse("api:step-detail", args=[step.pk]), {"status": "doing"},
        content_type="application/json")
    assert response.status_code == {True: 200, False: 403 if role in READERS else 404}[
        role in STEERERS]
    step.refresh_from_db()
    assert (step.status == "doing") == (role in STEERERS)


def test_a_step_cannot_end_before_it_starts(client, facilitator, cluster):
    step = cluster.steps.get(number=1)
    client.force_login(facilitator)
    response = client.patch(reverse("api:step-detail", args=[step.pk]),
                            {"end_date": (step.start_date - timedelta(days=1)).isoformat()},
                            content_type="application/json")
    assert response.status_code == 400
    assert "fin de l'étape" in response.json()["detail"]


def test_a_milestone_cannot_be_added_to_another_collectives_step(client, member_b, cluster):
    client.force_login(member_b)
    response = client.post(
        reverse("api:milestone-list"),
        {"step": cluster.steps.first().pk, "title": "Intrusion", "due_date": "2026-05-01"},
        content_type="application/json")
    assert response.status_code == 400
    assert "step" in response.json()["errors"]
    assert not Milestone.objects.filter(title="Intrusion").exists()


@pytest.mark.parametrize("role", ["member_a", "member_b", "reviewer"])
def test_only_facilitators_create_a_cluster_for_their_collective(client, cast, collective_a,
                                                                 role):
    from tests.territories.factories import TerritoryFactory

    territory = TerritoryFactory()
    response = as_role(client, cast, role).post(
        reverse("api:cluster-list"),
        {"collective": collective_a.slug, "territory": territory.slug,
         "start_date": "2026-09-01", "duration_months": 12}, content_type="application/json")
    assert response.status_code == 403
    assert not territory.clusters.exists()


def test_a_facilitator_creates_a_cluster_with_its_roadmap(client, facilitator, collective_a):
    from tests.territories.factories import TerritoryFactory

    territory = TerritoryFactory()
    client.force_login(facilitator)
    response = client.post(
        reverse("api:cluster-list"),
        {"collective": collective_a.slug, "territory": territory.slug,
         "start_date": "2026-09-01", "duration_months": 9}, content_type="application/json")
    assert response.status_code == 201
    cluster = territory.clusters.get()
    assert cluster.steps.count() == 7
    assert cluster.steps.last().end_date == date(2027, 5, 31)


def test_a_cluster_of_13_months_is_refused(client, facilitator, collective_a):
    from tests.territories.factories import TerritoryFactory

    territory = TerritoryFactory()
    client.force_login(facilitator)
    response = client.post(
        reverse("api:cluster-list"),
        {"collective": collective_a.slug, "territory": territory.slug,
         "start_date": "2026-09-01", "duration_months": 13}, content_type="application/json")
    assert response.status_code == 400
    assert not territory.clusters.exists()


def test_funders_token_reads_no_cluster(client, reviewer, cluster):
    _token, secret = api_token_create(user=reviewer, lifetime_days=30)
    response = client.get(reverse("api:cluster-list"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert results(response) == []


@pytest.mark.parametrize("name", ["api:challenge-list", "api:objective-list",
                                  "api:measurement-list", "api:milestone-list",
                                  "api:step-list", "api:cluster-list"])
def test_lists_keep_a_constant_number_of_queries(client, staff, cluster, name,
                                                 django_assert_max_num_queries):
    for n in range(6):
        challenge = Challenge.objects.create(cluster=cluster, title=f"Défi {n}", kind="social")
        objective = Objective.objects.create(challenge=challenge, title=f"Objectif {n}",
                                             unit="personnes", baseline=0, target=10,
                                             target_date=date(2029, 1, 1))
        for day in range(1, 4):
            Measurement.objects.create(objective=objective, measured_on=date(2026, 1, day),
                                       value=day, source="Comptage")
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert results(client.get(reverse(name)))
