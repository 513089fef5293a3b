"""Who changes a territory itself: staff and the facilitators of the collective that stewards
it — never its plain members, never another collective running a cluster there."""

from datetime import date

import pytest
from django.urls import reverse

from cluster.models import Cluster, Membership, Stewardship
from cluster.services import cluster_create
from territories.models import Actor, Territory
from tests.cluster.factories import CollectiveFactory, MembershipFactory
from tests.helpers import as_role, page_text
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

EDITORS = {"facilitator", "staff"}
ROLES = ["facilitator", "member_a", "facilitator_b", "member_b", "reviewer", "staff",
         "anonymous"]


@pytest.fixture
def shared_territory(territory_a, collective_b):
    """Territory A, stewarded by collective A, where collective B runs a cluster too."""
    cluster_create(collective=collective_b, territory=territory_a, start_date=date(2026, 3, 1))
    return territory_a


def form_data(territory, **overrides):
    return {"name": territory.name, "kind": territory.kind, "summary": "",
            "perimeter_level": "communes", "perimeter_codes": "13055",
            "key_figures-TOTAL_FORMS": "0", "key_figures-INITIAL_FORMS": "0",
            "key_figures-MIN_NUM_FORMS": "0", "key_figures-MAX_NUM_FORMS": "1000",
            **overrides}


@pytest.mark.parametrize("role", ROLES)
def test_territory_edit_page_by_role(client, people, shared_territory, geography, role):
    as_role(client, people, role)
    url = reverse("territories:update", args=[shared_territory.slug])
    page = client.get(url)
    posted = client.post(url, form_data(shared_territory, name="Renommé"))
    shared_territory.refresh_from_db()
    if role == "anonymous":
        assert page.status_code == posted.status_code == 302
        assert "/compte/connexion/" in page.url
    elif role in EDITORS:
        assert page.status_code == 200 and posted.status_code == 302
        assert shared_territory.name == "Renommé"
        return
    else:
        assert page.status_code == posted.status_code == 403
    assert shared_territory.name == "Aix-Marseille-Provence"


@pytest.mark.parametrize("role", ROLES)
def test_territory_api_patch_by_role(client, people, shared_territory, geography, role):
    as_role(client, people, role)
    response = client.patch(reverse("api:territory-detail", args=[shared_territory.slug]),
                            {"name": "Piraté", "is_published": False,
                             "perimeter": {"level": "communes", "codes": ["13055"]}},
                            content_type="application/json")
    shared_territory.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 200, response.json()
        assert shared_territory.name == "Piraté"
        return
    assert response.status_code == (401 if role == "anonymous" else 403)
    assert response.json()["code"] in {"not_authenticated", "permission_denied"}
    assert (shared_territory.name, shared_territory.is_published) == \
        ("Aix-Marseille-Provence", True)


@pytest.mark.parametrize("role", ["facilitator", "member_a", "facilitator_b", "member_b",
                                  "staff"])
def test_map_items_stay_open_to_every_collective_running_a_cluster(client, people,
                                                                   shared_territory, role):
    as_role(client, people, role)
    response = client.post(reverse("api:actor-list"), {
        "territory": shared_territory.slug, "name": f"Acteur de {role}", "kind": "association",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    page = client.post(reverse("territories:actor_create", args=[shared_territory.slug]),
                       {"name": f"Autre acteur de {role}", "kind": "association"})
    assert page.status_code == 302
    assert Actor.objects.filter(territory=shared_territory).count() == 2


@pytest.mark.parametrize("role", ["reviewer", "anonymous"])
def test_map_items_stay_closed_to_outsiders(client, people, territory_a, role):
    as_role(client, people, role)
    response = client.post(reverse("api:actor-list"), {
        "territory": territory_a.slug, "name": "Intrus", "kind": "association",
    }, content_type="application/json")
    assert response.status_code in {401, 403}
    assert not Actor.objects.exists()


@pytest.mark.parametrize(("role", "edit", "import_"), [
    ("facilitator", True, True), ("member_a", False, True), ("member_b", False, True),
    ("staff", True, True), ("reviewer", False, False),
])
def test_detail_page_names_the_steward_and_offers_only_allowed_actions(
        client, people, shared_territory, role, edit, import_):
    as_role(client, people, role)
    response = client.get(shared_territory.get_absolute_url())
    text = page_text(response)
    assert "Collectif porteur Aix-Marseille-Provence" in text
    assert (reverse("territories:update", args=[shared_territory.slug]) in text) == edit
    assert (reverse("territories:actor_import", args=[shared_territory.slug]) in text) == \
        import_
    assert (reverse("territory_steward", args=[shared_territory.slug]) in text) == \
        (role == "staff")


def test_api_says_who_stewards_the_territory(client, territory_a):
    response = client.get(reverse("api:territory-detail", args=[territory_a.slug]))
    assert response.json()["steward"] == territory_a.stewardship.collective.slug


# How a territory gets its steward ---------------------------------------------------------

def test_a_new_territory_is_stewarded_by_its_creators_collective(client, facilitator,
                                                                 collective_a, member_a,
                                                                 geography):
    client.force_login(facilitator)
    response = client.post(reverse("api:territory-list"), {
        "name": "Mayotte", "kind": "outre_mer",
        "perimeter": {"level": "departement", "codes": ["976"]},
    }, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["steward"] == collective_a.slug
    territory = Territory.objects.get(slug="mayotte")
    assert territory.stewardship.named_by == facilitator
    client.force_login(member_a)
    assert client.get(reverse("territories:update", args=["mayotte"])).status_code == 403


def test_a_creator_of_several_collectives_edits_until_a_cluster_names_the_steward(
        client, facilitator, collective_b, geography):
    second = CollectiveFactory(name="Collectif du Var")
    MembershipFactory(collective=second, user=facilitator, role=Membership.Role.FACILITATOR)
    client.force_login(facilitator)
    response = client.post(reverse("api:territory-list"), {
        "name": "Mayotte", "kind": "outre_mer",
        "perimeter": {"level": "departement", "codes": ["976"]},
    }, content_type="application/json")
    assert response.json()["steward"] is None
    territory = Territory.objects.get(slug="mayotte")
    url = reverse("territories:update", args=["mayotte"])
    assert client.get(url).status_code == 200
    # Collective B, which she does not facilitate, runs the first cluster: it steers now.
    cluster_create(collective=collective_b, territory=territory, start_date=date(2026, 1, 1))
    assert Stewardship.objects.get(territory=territory).collective == collective_b
    assert client.get(url).status_code == 403


def test_a_territory_created_by_staff_waits_for_its_steward(client, staff, facilitator,
                                                            geography):
    client.force_login(staff)
    client.post(reverse("api:territory-list"), {
        "name": "Mayotte", "kind": "outre_mer",
        "perimeter": {"level": "departement", "codes": ["976"]},
    }, content_type="application/json")
    assert not Stewardship.objects.exists()
    client.force_login(facilitator)
    assert client.get(reverse("territories:update", args=["mayotte"])).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("facilitator", 403), ("member_b", 403),
                                              ("reviewer", 403), ("staff", 302)])
def test_only_staff_name_the_steward(client, people, territory_a, collective_b, role, status):
    as_role(client, people, role)
    url = reverse("territory_steward", args=[territory_a.slug])
    assert client.get(url).status_code == (200 if role == "staff" else 403)
    response = client.post(url, {"collective": collective_b.pk})
    assert response.status_code == status
    expected = collective_b if role == "staff" else territory_a.stewardship.collective
    assert Stewardship.objects.get(territory=territory_a).collective == expected


def test_a_new_steward_takes_over_the_territory(client, staff, people, territory_a,
                                                collective_b):
    client.force_login(staff)
    client.post(reverse("territory_steward", args=[territory_a.slug]),
                {"collective": collective_b.pk})
    stewardship = Stewardship.objects.get(territory=territory_a)
    assert stewardship.named_by == staff
    url = reverse("territories:update", args=[territory_a.slug])
    client.force_login(people["facilitator_b"])
    assert client.get(url).status_code == 200
    client.force_login(people["facilitator"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("collective", ["", "999999", "pas-un-nombre"])
def test_naming_an_unknown_collective_is_refused(client, staff, territory_a, collective):
    client.force_login(staff)
    response = client.post(reverse("territory_steward", args=[territory_a.slug]),
                           {"collective": collective})
    assert response.status_code == 400
    assert Stewardship.objects.get(territory=territory_a).collective.slug == \
        "collectif-porteur-aix-marseille-provence"


def test_staff_name_the_steward_in_the_admin(client, staff, territory_a, collective_b):
    client.force_login(staff)
    stewardship = territory_a.stewardship
    response = client.post(reverse("admin:cluster_stewardship_change", args=[stewardship.pk]),
                           {"territory": territory_a.pk, "collective": collective_b.pk})
    assert response.status_code == 302
    stewardship.refresh_from_db()
    assert (stewardship.collective, stewardship.named_by) == (collective_b, staff)


def test_the_data_migration_names_the_earliest_cluster_or_the_creators_collective(
        collective_a, collective_b, facilitator):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cluster.migrations.0006_territory_stewardship")
    shared = TerritoryFactory(name="Partagé")
    TerritoryFactory(name="Créé", created_by=facilitator)
    orphan = TerritoryFactory(name="Orphelin")
    first = cluster_create(collective=collective_b, territory=shared, start_date=date(2026, 1, 1))
    cluster_create(collective=collective_a, territory=shared, start_date=date(2026, 1, 1))
    Cluster.objects.filter(pk=first.pk).update(created_at=date(2020, 1, 1))
    Stewardship.objects.all().delete()
    migration.name_stewards(apps, None)
    stewards = dict(Stewardship.objects.values_list("territory__name", "collective__name"))
    assert stewards == {"Partagé": collective_b.name, "Créé": collective_a.name}
    assert orphan.name not in stewards
