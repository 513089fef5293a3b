import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from cluster.models import Collective, Membership, Stewardship, User
from funding.models import FunderMember
from territories.models import Territory
from territories.permissions import access_to_territory, editable_territories

pytestmark = pytest.mark.django_db


def test_demo_loads_the_27_labelled_territories_and_one_account_per_role(demo):
    assert Collective.objects.count() == 27
    assert Collective.objects.filter(slug="lyon-metropole").exists()
    facilitator = User.objects.get(email="animatrice@demo.local")
    assert facilitator.memberships.get().role == Membership.Role.FACILITATOR
    assert FunderMember.objects.filter(user__email="instructeur@demo.local").exists()
    funder_admin = User.objects.get(email="financeur.admin@demo.local")
    assert not funder_admin.is_staff and funder_admin.check_password("demo-cluster-2019")
    assert funder_admin.funder_memberships.get().role == FunderMember.Role.ADMIN
    assert funder_admin.funder_memberships.get().funder.slug == "le-french-impact"
    assert User.objects.get(email="coordination@demo.local").is_staff
    # Each labelled territory is stewarded by its own collective, the demo facilitator's
    # included, so she edits her territory and no other.
    stewards = dict(Stewardship.objects.values_list("territory__slug", "collective__slug"))
    assert sum(1 for slug, collective in stewards.items() if slug == collective) == 27
    assert access_to_territory(facilitator, Territory.objects.get(
        slug=facilitator.memberships.get().collective.slug)).can_edit
    assert editable_territories(facilitator).count() == \
        Stewardship.objects.filter(collective=facilitator.memberships.get().collective).count()


def row_counts():
    """Return how many rows each table holds, by model; not the history of changes.

    Loading the demo again saves some rows again, which their history records.
    """
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()
            if not model.__name__.startswith("Historical")}


def test_loading_the_demo_again_duplicates_nothing_and_keeps_changed_passwords(demo,
                                                                                settings):
    """Loading the demo twice adds no row to any table.

    This stands for the "twice: nothing is duplicated" of each app's demo test: they
    now read the demo loaded once for their module.
    """
    user = User.objects.get(email="membre@demo.local")
    user.set_password("changé-par-la-personne")
    user.save()
    before = row_counts()
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    assert row_counts() == before
    assert Collective.objects.count() == 27
    assert Membership.objects.count() == 3
    user.refresh_from_db()
    assert user.check_password("changé-par-la-personne")


def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="mot de passe public"):
        call_command("load_demo", verbosity=0)
    assert not User.objects.exists()


def test_demo_clusters_have_the_press_kit_defis_each_with_a_measured_objective(demo):
    from cluster.models import Challenge, Cluster, Objective

    assert Cluster.objects.count() == 27
    lyon = Cluster.objects.get(territory__slug="lyon-metropole")
    assert lyon.challenges.count() == 4  # Lyon Métropole was labelled with four défis
    # The second wave's défis are placeholders, without objectives nor invented figures.
    placeholders = Challenge.objects.filter(title__endswith="à compléter")
    assert placeholders.count() == 21
    assert not Challenge.objects.filter(objectives__isnull=True).exclude(
        pk__in=placeholders).exists()
    # One objective per press-kit défi, plus those the network's demo adds in a shared
    # indicator's unit (all their measurements say they are invented).
    from cluster.indicators_demo import ADOPTIONS, DEMO_SOURCE

    added = Objective.objects.filter(measurements__source=DEMO_SOURCE).distinct()
    assert added.count() == sum(1 for *_rest, spec in ADOPTIONS if spec != "adopt") == 10
    assert Objective.objects.exclude(pk__in=added).count() == \
        Challenge.objects.exclude(pk__in=placeholders).count() == 61
    assert not Challenge.objects.filter(kind=Challenge.Kind.OTHER).exclude(
        pk__in=placeholders).exists()
    cultiver = Objective.objects.get(challenge__title="Cultiver Marseille")
    assert cultiver.measurements.exists()
    assert cultiver.measurements.filter(source="Données de démonstration").count() == \
        cultiver.measurements.count()


def test_demo_projects_span_the_stages_and_one_is_replicated(demo):
    from projects.models import Project, Replication

    assert Project.objects.filter(cluster__territory__slug="valence-romans",
                                  title="Consigne des emballages en verre",
                                  stage="impact").exists()
    assert set(Project.objects.values_list("stage", flat=True)) == set(Project.Stage.values)
    assert Project.objects.filter(carriers__isnull=True).count() == 0
    replication = Replication.objects.get()
    assert replication.origin.cluster.territory.slug == "nantes-metropole"
    assert replication.copy.cluster.territory.slug == "strasbourg-eurometropole"
    consigne = Project.objects.get(title="Consigne des emballages en verre")
    assert consigne.stage_changes.count() == 3


def test_demo_has_27_labelled_territories_in_two_waves(demo, client):
    from datetime import date

    from cluster.models import Challenge
    from territories.models import Label

    # Labelled: two of them are in their annual follow-up (the demo's two dossiers).
    labels = Label.objects.filter(status__in=[Label.Status.LABELLED, Label.Status.FOLLOW_UP])
    assert labels.count() == 27
    assert sorted(Label.objects.filter(status=Label.Status.FOLLOW_UP)
                  .values_list("territory__slug", flat=True)) == ["aix-marseille-provence",
                                                                  "lyon-metropole"]
    assert dict(labels.values_list("wave").annotate(n=Count("pk"))) == {1: 20, 2: 7}
    assert set(labels.values_list("wave", "labelled_on")) == {(1, date(2019, 2, 25)),
                                                              (2, date(2019, 12, 31))}
    # `?label=labelled` holds the annual follow-ups too; `?label_status=` is exact.
    response = client.get(reverse("api:territory-list") + "?label=labelled&page_size=50")
    assert response.json()["count"] == 27
    response = client.get(reverse("api:territory-list") + "?label_status=labelled")
    assert response.json()["count"] == 25
    response = client.get(reverse("api:territory-list") + "?label=labelled&wave=2&page_size=50")
    assert sorted(row["slug"] for row in response.json()["results"]) == [
        "genevois-innovales", "grand-chambery", "grand-narbonne", "grand-poitiers",
        "grenoble-alpes-metropole", "occitanie-est", "toulouse-metropole"]
    # Official perimeters: the EPCI by SIREN; the two that are none, approached (see
    # cluster/data/french_impact_wave2.json).
    toulouse = Territory.objects.get(slug="toulouse-metropole")
    assert (toulouse.perimeter_level, toulouse.perimeter_codes) == ("epci", ["243100518"])
    assert toulouse.communes.filter(name="Toulouse").exists()
    occitanie = Territory.objects.get(slug="occitanie-est")
    assert occitanie.perimeter_codes == ["11", "30", "34", "48", "66"]
    assert len(Territory.objects.get(slug="genevois-innovales").perimeter_codes) == 8
    # Their collectives and défis say they are demo placeholders.
    poitiers = Collective.objects.get(slug="grand-poitiers")
    assert "(démonstration)" in poitiers.name
    assert "Données de démonstration" in poitiers.description
    assert all("Données de démonstration" in challenge.summary for challenge in
               Challenge.objects.filter(cluster__territory=occitanie))
