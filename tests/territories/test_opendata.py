"""Open data at /donnees/: what each file holds, what it never holds, how it is published."""

import csv
import json
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster.models import Measurement, Objective, SharedIndicator
from cluster.network_models import Blocker
from cluster.services import cluster_create
from funding.models import FundingPlan
from projects.models import ProjectOutcome, Registration, Replication
from territories.models import Actor, Label, LocalPolicy, Place, Resource, Theme
from territories.opendata import datasets, register_dataset, unregister_dataset
from territories.opendata_build import MANIFEST, build_open_data, read_manifest
from territories.tasks import build_open_data_task
from tests.cluster.factories import CollectiveFactory, UserFactory
from tests.funding.factories import FundingSourceFactory
from tests.projects.factories import ActorFactory, ChallengeFactory, EventFactory, ProjectFactory
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

# Strings that only drafts, unpublished items and private fields hold: no file may show one.
SECRETS = [
    "TerritoireBrouillonXq", "ActeurDansBrouillonXq", "DefiDansBrouillonXq",
    "ProjetDansBrouillonXq", "ActeurNonPublieXq", "LieuNonPublieXq", "GestionnairePriveXq",
    "PorteurNonPublieXq", "ProjetNonPublieXq", "EvenementNonPublieXq",
    "courriel-prive-xq@exemple.fr", "saisie-mesure-xq@exemple.fr",
    "inscription-xq@exemple.fr", "PlanPriveXq", "EvenementDansBrouillonXq", "CollectifPriveXq",
    "RessourceNonPublieeXq", "FournisseurPriveXq", "PolitiqueNonPublieeXq",
    "RessourceDansBrouillonXq", "PolitiqueDansBrouillonXq", "ResultatNonPublieXq",
    "saisie-resultat-xq@exemple.fr", "EssaimageNonPublieXq", "essaimage-xq@exemple.fr",
    "FreinInterneXq", "FreinNonLeveXq", "frein-xq@exemple.fr",
]


@pytest.fixture(autouse=True)
def opendata_root(settings, tmp_path):
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    return settings.OPENDATA_ROOT


@pytest.fixture
def world(db):
    """A published territory with published and unpublished items, and a draft territory."""
    theme = Theme.objects.create(slug="theme-xq", name="Thème Xq", is_national=True)
    indicator = SharedIndicator.objects.create(slug="emplois-xq", theme=theme,
                                               name="Emplois Partagés Xq", unit="ETP")
    territory = TerritoryFactory(name="Valence Romans Xq", slug="valence-romans-xq")
    Label.objects.create(territory=territory, status=Label.Status.LABELLED, wave=1,
                         labelled_on=date(2019, 2, 1))
    cluster = cluster_create(collective=CollectiveFactory(name="CollectifPriveXq"),
                             territory=territory,
                             start_date=date(2026, 1, 1))
    actor = ActorFactory(territory=territory, name="Recyclerie Publique Xq",
                         email="courriel-prive-xq@exemple.fr", latitude=Decimal("44.93"),
                         longitude=Decimal("4.89"), siret="")
    actor.themes.set([theme])
    formula = ActorFactory(territory=territory, name="=HYPERLINK(\"http://x\")")
    hidden_operator = ActorFactory(territory=territory, name="GestionnairePriveXq",
                                   is_published=False)
    ActorFactory(territory=territory, name="ActeurNonPublieXq", is_published=False)
    hidden_place = Place.objects.create(territory=territory, name="LieuNonPublieXq",
                                        latitude=Decimal("45"), longitude=Decimal("5"))
    place = Place.objects.create(territory=territory, name="Tiers-lieu Public Xq",
                                 is_published=True, operator=hidden_operator,
                                 latitude=Decimal("44.9"), longitude=Decimal("4.8"))
    challenge = ChallengeFactory(cluster=cluster, title="Défi Public Xq", theme=theme)
    objective = Objective.objects.create(
        challenge=challenge, title="Emplois d'insertion Xq", unit="ETP",
        baseline=Decimal(0), target=Decimal(40), target_date=date(2027, 12, 31),
        shared_indicator=indicator)
    Measurement.objects.create(objective=objective, measured_on=date(2026, 6, 1),
                               value=Decimal("-3.5"), source="Rapport annuel Xq",
                               created_by=UserFactory(email="saisie-mesure-xq@exemple.fr"))
    project = ProjectFactory(cluster=cluster, challenge=challenge, title="Projet Public Xq",
                             is_published=True, place=hidden_place,
                             carriers=[actor, ActorFactory(territory=territory,
                                                           name="PorteurNonPublieXq",
                                                           is_published=False)])
    hidden_project = ProjectFactory(cluster=cluster, challenge=challenge,
                                    title="ProjetNonPublieXq")
    ProjectOutcome.objects.create(project=project, indicator=indicator,
                                  measured_on=date(2026, 9, 1), value=Decimal(12),
                                  source="Bilan Projet Xq",
                                  created_by=UserFactory(email="saisie-resultat-xq@exemple.fr"))
    ProjectOutcome.objects.create(project=hidden_project, indicator=indicator,
                                  measured_on=date(2026, 9, 1), value=Decimal(5),
                                  source="ResultatNonPublieXq")
    copy = ProjectFactory(cluster=cluster, challenge=challenge, title="Copie Publique Xq",
                          is_published=True)
    Replication.objects.create(origin=project, copy=copy, note="Le modèle Xq",
                               by=UserFactory(email="essaimage-xq@exemple.fr"))
    Replication.objects.create(origin=project, copy=hidden_project,
                               note="EssaimageNonPublieXq")
    Blocker.objects.create(cluster=cluster, challenge=challenge, rule="Code des marchés Xq",
                           text="FreinInterneXq", status=Blocker.Status.LIFTED,
                           sponsor="Préfète Xq", public_summary="Levé par circulaire Xq",
                           lifted_on=date(2026, 5, 1),
                           raised_by=UserFactory(email="frein-xq@exemple.fr"))
    Blocker.objects.create(cluster=cluster, challenge=challenge, rule="FreinNonLeveXq",
                           text="Toujours là", public_summary="FreinNonLeveXq")
    provider = ActorFactory(territory=territory, name="FournisseurPriveXq", is_published=False)
    Resource.objects.create(territory=territory, name="Ressource Publique Xq",
                            kind=Resource.Kind.TRAINING, provider=provider, is_published=True)
    Resource.objects.create(territory=territory, name="RessourceNonPublieeXq",
                            kind=Resource.Kind.DATA)
    LocalPolicy.objects.create(territory=territory, name="Plan ESS Public Xq",
                               level=LocalPolicy.Level.REGION, is_published=True)
    LocalPolicy.objects.create(territory=territory, name="PolitiqueNonPublieeXq",
                               level=LocalPolicy.Level.EPCI)
    event = EventFactory(cluster=cluster, title="Rencontre Publique Xq", place=place)
    Registration.objects.create(event=event, name="Une personne",
                                email="inscription-xq@exemple.fr")
    EventFactory(cluster=cluster, title="EvenementNonPublieXq", is_published=False)
    FundingPlan.objects.create(cluster=cluster, title="PlanPriveXq", first_year=2026,
                               last_year=2027)
    FundingSourceFactory(name="Fonds Public Xq")

    draft = TerritoryFactory(name="TerritoireBrouillonXq", is_published=False)
    draft_cluster = cluster_create(collective=CollectiveFactory(), territory=draft,
                                   start_date=date(2026, 1, 1))
    ActorFactory(territory=draft, name="ActeurDansBrouillonXq")
    Resource.objects.create(territory=draft, name="RessourceDansBrouillonXq",
                            kind=Resource.Kind.DATA, is_published=True)
    LocalPolicy.objects.create(territory=draft, name="PolitiqueDansBrouillonXq",
                               level=LocalPolicy.Level.EPCI, is_published=True)
    draft_challenge = ChallengeFactory(cluster=draft_cluster, title="DefiDansBrouillonXq")
    ProjectFactory(cluster=draft_cluster, challenge=draft_challenge,
                   title="ProjetDansBrouillonXq", is_published=True)
    EventFactory(cluster=draft_cluster, title="EvenementDansBrouillonXq")
    return {"territory": territory, "actor": actor, "formula": formula, "project": project,
            "place": place, "event": event}


def built_files(root):
    manifest = read_manifest()
    return sorted((root / manifest["build"]).iterdir())


def csv_rows(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_no_draft_nor_private_field_in_any_file_of_any_dataset(world, opendata_root):
    manifest = build_open_data()
    files = built_files(opendata_root)
    expected = sum(len(dataset.formats) for dataset in datasets())
    assert len(files) == expected == sum(len(entry["files"])
                                         for entry in manifest["datasets"].values())
    # Every dataset holds rows: each file is really read for secrets, none is empty.
    assert [slug for slug, entry in manifest["datasets"].items() if not entry["rows"]] == []
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        assert [secret for secret in SECRETS if secret in text] == [], path.name
    # …while what is published is there.
    everything = "".join(path.read_text(encoding="utf-8-sig") for path in files)
    for public in ("Valence Romans Xq", "Recyclerie Publique Xq", "Tiers-lieu Public Xq",
                   "Défi Public Xq", "Emplois d'insertion Xq", "Rapport annuel Xq",
                   "Projet Public Xq", "Rencontre Publique Xq", "Fonds Public Xq",
                   "Ressource Publique Xq", "Plan ESS Public Xq", "Emplois Partagés Xq",
                   "Bilan Projet Xq", "Le modèle Xq", "Levé par circulaire Xq"):
        assert public in everything


def test_every_dataset_of_every_app_is_registered():
    assert [dataset.slug for dataset in datasets()] == [
        "territoires", "acteurs", "lieux", "ressources", "politiques-locales", "defis",
        "indicateurs-partages", "objectifs", "mesures", "freins-leves", "projets",
        "resultats-projets",
        "essaimages", "evenements", "sources-de-financement"]


def test_the_rows_of_each_format(world, opendata_root):
    manifest = build_open_data()
    folder = opendata_root / manifest["build"]

    territories = csv_rows(folder / "territoires.csv")
    assert [(row["nom"], row["label"], row["vague"], row["labellise_le"])
            for row in territories] == [("Valence Romans Xq", "labelled", "1", "2019-02-01")]

    actors = {row["nom"]: row for row in csv_rows(folder / "acteurs.csv")}
    assert {"Recyclerie Publique Xq", "'=HYPERLINK(\"http://x\")"} <= set(actors)
    recyclerie = actors["Recyclerie Publique Xq"]
    assert "email" not in recyclerie and "courriel" not in recyclerie
    assert (recyclerie["themes"], recyclerie["latitude"]) == ("Thème Xq", "44.930000")
    assert recyclerie["url"].endswith(world["actor"].get_absolute_url())
    # The `;` variant, for Excel: same rows, a BOM, formulas neutralised too.
    raw = (folder / "acteurs-point-virgule.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert not (folder / "acteurs.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    semicolon = csv_rows(folder / "acteurs-point-virgule.csv", delimiter=";")
    assert [row["nom"] for row in semicolon] == [row["nom"] for row in actors.values()]

    # JSON keeps text as typed (no spreadsheet reads it) and numbers as numbers.
    objects = json.loads((folder / "acteurs.json").read_text())
    assert {"Recyclerie Publique Xq", "=HYPERLINK(\"http://x\")"} <= {
        item["nom"] for item in objects}
    measurements = json.loads((folder / "mesures.json").read_text())
    assert measurements[0]["valeur"] == -3.5 and measurements[0]["date"] == "2026-06-01"
    # A negative number is a number, not a formula, in CSV too.
    assert csv_rows(folder / "mesures.csv")[0]["valeur"] == "-3.50"

    geo = json.loads((folder / "acteurs.geojson").read_text())
    assert geo["type"] == "FeatureCollection"
    located = next(feature for feature in geo["features"]
                   if feature["properties"]["nom"] == "Recyclerie Publique Xq")
    assert located["geometry"] == {"type": "Point", "coordinates": [4.89, 44.93]}
    assert "latitude" not in located["properties"]

    place = csv_rows(folder / "lieux.csv")[0]
    assert (place["nom"], place["gestionnaire"]) == ("Tiers-lieu Public Xq", "")
    project = csv_rows(folder / "projets.csv")[0]
    assert (project["porteurs"], project["lieu"], project["latitude"]) == (
        "Recyclerie Publique Xq", "", "")
    event = csv_rows(folder / "evenements.csv")[0]
    assert (event["lieu"], event["latitude"]) == ("Tiers-lieu Public Xq", "44.900000")
    objective = csv_rows(folder / "objectifs.csv")[0]
    assert (Decimal(objective["derniere_valeur"]), objective["derniere_mesure_le"]) == (
        Decimal("-3.5"), "2026-06-01")


def test_an_interrupted_build_leaves_the_previous_files_served(world, opendata_root, client):
    first = build_open_data()
    url = reverse("opendata_file", args=["acteurs.csv"])
    before = b"".join(client.get(url).streaming_content)

    def failing_rows():
        yield {"id": 1}
        raise RuntimeError("base de données perdue en cours de route")

    register_dataset("zz-panne", "Panne", "Un jeu qui échoue.", columns=[
        ("id", "integer", "Identifiant.")], rows=failing_rows)
    try:
        Actor.objects.filter(pk=world["actor"].pk).update(name="Nom changé depuis")
        with pytest.raises(RuntimeError):
            build_open_data()
    finally:
        unregister_dataset("zz-panne")

    assert read_manifest() == first
    # Nothing of the failed build is left behind.
    assert {path.name for path in opendata_root.iterdir()} == {first["build"], MANIFEST}
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == before
    assert "Nom changé depuis".encode() not in before


def test_builds_keep_the_current_and_the_previous_one(world, opendata_root):
    builds = [build_open_data()["build"] for _ in range(3)]
    assert sorted(path.name for path in opendata_root.iterdir() if path.is_dir()) == builds[1:]


def test_the_page_before_any_build_says_so_and_links_nothing(client, world):
    response = client.get(reverse("opendata"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pas encore publié" in page
    assert "Licence Ouverte / Open Licence 2.0" in page
    assert reverse("opendata_schema", args=["acteurs"]) in page
    assert "Publier les fichiers maintenant" not in page
    assert client.get(reverse("opendata_file", args=["acteurs.csv"])).status_code == 404


def test_the_page_lists_each_dataset_with_its_files_sizes_and_date(client, world):
    manifest = build_open_data()
    page = client.get(reverse("opendata")).content.decode()
    for dataset in datasets():
        assert str(dataset.title) in page
        for format_ in dataset.formats:
            assert reverse("opendata_file", args=[dataset.filename(format_.key)]) in page
    size = manifest["datasets"]["acteurs"]["files"]["csv"]["size"]
    assert f"{size}\xa0octets" in page
    assert "Pas encore publié" not in page
    assert timezone.localtime(timezone.now()).strftime("%Y") in page


@pytest.mark.parametrize(("name", "content_type"), [
    ("acteurs.csv", "text/csv; charset=utf-8"),
    ("acteurs-point-virgule.csv", "text/csv; charset=utf-8"),
    ("acteurs.json", "application/json"),
    ("acteurs.geojson", "application/geo+json"),
])
def test_downloads_are_attachments_of_their_type(client, world, name, content_type):
    build_open_data()
    response = client.get(reverse("opendata_file", args=[name]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["manifest.json", "..", "territoires.xlsx", "acteurs.csv.part",
                                  "%00", "lieux.geojson\x00"])
def test_only_files_of_the_manifest_are_served(client, world, name):
    build_open_data()
    url = reverse("opendata_file", args=["x"]).replace("x", name)
    # A NUL byte is refused (400) before any view, like everywhere on the site.
    assert client.get(url).status_code == (400 if "\x00" in name or "%00" in name else 404)


def test_a_table_schema_per_dataset(client, world):
    build_open_data()
    for dataset in datasets():
        schema = client.get(reverse("opendata_schema", args=[dataset.slug])).json()
        assert [field["name"] for field in schema["fields"]] == dataset.column_names
        assert all(field["type"] and field["description"] for field in schema["fields"])
        assert schema["licenses"][0]["title"] == "Licence Ouverte / Open Licence 2.0"
        assert schema["updated"] == read_manifest()["built_at"]
    kinds = client.get(reverse("opendata_schema", args=["acteurs"])).json()["fields"][2]
    assert "association" in kinds["constraints"]["enum"]
    assert client.get(reverse("opendata_schema", args=["inconnu"])).status_code == 404


def test_the_dcat_catalogue(client, world):
    empty = client.get(reverse("opendata_catalogue"))
    assert empty.status_code == 200
    assert all(entry["dcat:distribution"] == []
               for entry in json.loads(empty.content)["dcat:dataset"])
    build_open_data()
    response = client.get(reverse("opendata_catalogue"))
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    entries = {entry["dct:identifier"]: entry for entry in catalogue["dcat:dataset"]}
    assert set(entries) == {dataset.slug for dataset in datasets()}
    actors = entries["acteurs"]
    assert actors["@type"] == "dcat:Dataset"
    assert actors["dct:title"] == "Acteurs" and actors["dct:description"]
    assert actors["dct:license"]["@id"].startswith("https://www.etalab.gouv.fr/licence-ouverte")
    assert actors["dct:modified"]["@value"] == read_manifest()["built_at"]
    media = {item["dcat:mediaType"]["@id"].rsplit("/", 2)[-2:][1]: item
             for item in actors["dcat:distribution"]}
    assert set(media) == {"csv", "json", "geo+json"}
    download = media["geo+json"]["dcat:downloadURL"]["@id"]
    assert download == "http://testserver" + reverse("opendata_file",
                                                     args=["acteurs.geojson"])
    assert client.get(download).status_code == 200


def test_staff_publish_on_demand_once_a_minute(client, staff, world,
                                               django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("opendata_publish"), follow=True)
    assert "Publication des données ouvertes lancée" in response.content.decode()
    first = read_manifest()
    assert first is not None
    assert "Publier les fichiers maintenant" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("opendata_publish"), follow=True).content.decode()
    assert "viennent d&#x27;être publiées" in again
    assert read_manifest() == first


def test_only_staff_publish(client, member_a, facilitator, world):
    response = client.post(reverse("opendata_publish"))
    assert response.status_code == 302 and "connexion" in response["Location"]
    for person in (member_a, facilitator):
        client.force_login(person)
        assert client.post(reverse("opendata_publish")).status_code == 403
        assert "Publier les fichiers" not in client.get(reverse("opendata")).content.decode()
    assert client.get(reverse("opendata_publish")).status_code == 405
    assert read_manifest() is None


def test_the_nightly_task_is_scheduled_and_builds(world):
    schedule = django_settings.CELERY_BEAT_SCHEDULE["donnees-ouvertes-publication"]
    assert schedule["task"] == "territories.tasks.build_open_data_task"
    build = build_open_data_task.delay().get()
    assert build == read_manifest()["build"]


def test_a_build_already_running_is_not_started_twice(world):
    from django.core.cache import cache

    from territories.opendata_build import LOCK_KEY

    cache.add(LOCK_KEY, True, 60)
    assert build_open_data_task.delay().get() is None
    assert read_manifest() is None


def _build_queries():
    with CaptureQueriesContext(connection) as queries:
        build_open_data()
    return len(queries)


def test_the_build_reads_a_fixed_number_of_queries(world):
    small = _build_queries()
    territory = world["territory"]
    for number in range(30):
        ActorFactory(territory=territory, name=f"Acteur en plus n°{number}")
        ProjectFactory(cluster=world["project"].cluster, title=f"Projet en plus {number}",
                       is_published=True)
    assert _build_queries() == small
