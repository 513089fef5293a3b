"""The catalogue of hybrid funding: filled by a migration, public pages and API, admin."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from funding import demo
from funding.models import Funder, FundingSource
from funding.selectors import search_sources
from territories.models import Theme
from tests.funding.factories import FunderFactory, FundingSourceFactory
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff", "anonymous"]
CATALOGUE = importlib.import_module("funding.migrations.0003_catalogue_of_hybrid_funding")


def today():
    return timezone.localdate()


# The catalogue every installation gets ---------------------------------------------------

@pytest.mark.parametrize(("slug", "funder", "funder_kind", "kind", "scope"), [
    ("subventions-villes", "villes", "city", "subvention", "local"),
    ("subventions-intercommunalites", "intercommunalites", "epci", "subvention", "local"),
    ("plans-ess-regions", "regions", "region", "subvention", "regional"),
    ("plans-ess-departements", "departements", "department", "subvention", "local"),
    ("ptce", "ptce", "network", "subvention", "local"),
    ("caf-animation-vie-sociale", "caf", "caf", "subvention", "local"),
    ("federation-centres-sociaux", "federation-centres-sociaux", "network", "subvention",
     "local"),
    ("contrats-de-ville", "anct", "state", "appel_a_projets", "local"),
    ("action-coeur-de-ville", "anct", "state", "subvention", "national"),
    ("fondations-locales", "fondations", "foundation", "mecenat", "local"),
    ("mecenat-entreprise", "entreprises-mecenes", "company", "mecenat", "local"),
    ("leader-feader", "union-europeenne", "europe", "subvention", "europeen"),
    ("label-territoire-french-impact", "le-french-impact", "network", "label", "national"),
    ("french-impact-fonds-amorcage", "le-french-impact", "network", "pret_investissement",
     "national"),
    ("fabriques-de-territoire", "anct", "state", "appel_a_projets", "national"),
    ("fiso", "bpifrance", "public_bank", "pret_investissement", "national"),
    ("novess", "caisse-des-depots", "public_bank", "pret_investissement", "national"),
    ("banque-des-territoires", "banque-des-territoires", "public_bank", "pret_investissement",
     "national"),
    ("france-experimentation-french-impact", "etat", "state", "appel_a_projets", "national"),
    ("mission-amorcage-haut-commissariat", "etat", "state", "subvention", "national"),
])
def test_every_source_of_the_seeds_is_in_the_catalogue(slug, funder, funder_kind, kind, scope):
    source = FundingSource.objects.select_related("funder").get(slug=slug)
    assert (source.funder.slug, source.funder.kind, source.kind, source.scope) == (
        funder, funder_kind, kind, scope)
    assert source.description


def test_the_seeds_figures_and_dates_are_kept():
    fiso = FundingSource.objects.get(slug="fiso")
    assert "21 millions d'euros" in fiso.description
    assert "environ 200 entreprises" in fiso.description
    experimentation = FundingSource.objects.get(slug="france-experimentation-french-impact")
    assert (experimentation.opens_on, experimentation.closes_on) == (
        datetime.date(2019, 2, 25), datetime.date(2019, 6, 30))
    assert FundingSource.objects.get(slug="label-territoire-french-impact").opens_on == \
        datetime.date(2018, 7, 1)
    # Amounts the seeds do not give are said to be indicative.
    for source in FundingSource.objects.filter(typical_max__isnull=False).exclude(slug="fiso"):
        assert "indicatif" in source.description, source.slug
    leader = FundingSource.objects.get(slug="leader-feader")
    assert set(leader.themes.values_list("slug", flat=True)) >= {"alimentation-durable"}


def test_the_demo_funders_are_those_of_the_catalogue():
    by_slug = {slug: (name, kind, website) for slug, name, kind, website in CATALOGUE.FUNDERS}
    for slug, name, kind, website in demo.FUNDERS:
        if slug in by_slug:
            assert by_slug[slug] == (name, kind, website)
    assert {"le-french-impact", "banque-des-territoires", "bpifrance"} <= set(by_slug)
    before = Funder.objects.count()
    demo.load_funders()
    assert Funder.objects.count() == before + 1  # Région Bretagne, the demo's own
    assert Funder.objects.filter(slug="le-french-impact").count() == 1


def test_filling_the_catalogue_twice_changes_nothing():
    source = FundingSource.objects.get(slug="fiso")
    source.description = "Changé à la main"
    source.save()
    counts = (Funder.objects.count(), FundingSource.objects.count())
    CATALOGUE.fill_catalogue(apps, None)
    CATALOGUE.fill_catalogue(apps, None)
    assert (Funder.objects.count(), FundingSource.objects.count()) == counts
    source.refresh_from_db()
    assert "21 millions" in source.description  # the catalogue's text is back


# The public page -------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_the_catalogue_is_public(client, cast, role):
    client = as_role(client, cast, role)
    response = client.get(reverse("funding:source_list"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Catalogue des financements hybrides" in text
    assert "Fonds d'innovation sociale (FISO)" in text
    detail = client.get(reverse("funding:source_detail", args=["fiso"]))
    assert detail.status_code == 200
    assert "Bpifrance" in page_text(detail)


def test_an_unknown_source_is_not_found(client):
    assert client.get(reverse("funding:source_detail", args=["inconnue"])).status_code == 404


@pytest.fixture
def sample(db):
    """Three sources of words no catalogue entry uses, to check the filters precisely."""
    city = FunderFactory(name="Ville de Zorglub", kind=Funder.Kind.CITY)
    foundation = FunderFactory(name="Fondation Zorglub", kind=Funder.Kind.FOUNDATION)
    culture = Theme.objects.get(slug="culture")
    local = FundingSourceFactory(name="Zorglub culture locale", funder=city,
                                 kind=FundingSource.Kind.GRANT,
                                 scope=FundingSource.Scope.LOCAL)
    local.themes.set([culture])
    national = FundingSourceFactory(
        name="Zorglub amorçage national", funder=foundation,
        kind=FundingSource.Kind.PATRONAGE, scope=FundingSource.Scope.NATIONAL,
        description="Pour les mobilités rurales.")
    national.themes.set([Theme.objects.get(slug="mobilite-douce")])
    everything = FundingSourceFactory(name="Zorglub tous thèmes", funder=city,
                                      kind=FundingSource.Kind.CALL,
                                      scope=FundingSource.Scope.REGIONAL,
                                      closes_on=today() - datetime.timedelta(days=1))
    return {"local": local, "national": national, "everything": everything}


def names_on_page(client, **params):
    response = client.get(reverse("funding:source_list"), params)
    assert response.status_code == 200
    text = page_text(response)
    return {name for name in ("Zorglub culture locale", "Zorglub amorçage national",
                              "Zorglub tous thèmes") if name in text}


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "zorglub"}, {"culture locale", "amorçage national", "tous thèmes"}),
    ({"q": "zorglub mobilités"}, {"amorçage national"}),  # every word, description too
    ({"q": "fondation zorglub"}, {"amorçage national"}),  # the funder's name counts
    ({"q": "zorglub", "kind": "mecenat"}, {"amorçage national"}),
    ({"q": "zorglub", "scope": "local"}, {"culture locale"}),
    ({"q": "zorglub", "funder_kind": "city"}, {"culture locale", "tous thèmes"}),
    # A theme keeps the sources naming it and those open to every theme.
    ({"q": "zorglub", "theme": "culture"}, {"culture locale", "tous thèmes"}),
    ({"q": "zorglub", "open_today": "on"}, {"culture locale", "amorçage national"}),
])
def test_the_catalogue_filters(client, sample, params, expected):
    assert names_on_page(client, **params) == {f"Zorglub {name}" for name in expected}


def test_a_source_not_open_yet_is_not_open_today(client, sample):
    sample["local"].opens_on = today() + datetime.timedelta(days=10)
    sample["local"].save()
    assert names_on_page(client, q="zorglub", open_today="on") == {"Zorglub amorçage national"}
    assert "pas encore ouvert" in page_text(client.get(reverse("funding:source_list"),
                                                       {"q": "culture locale"}))


def test_the_catalogue_is_paginated_and_keeps_the_filters_in_its_links(client):
    response = client.get(reverse("funding:source_list"), {"q": "e"})
    text = page_text(response)
    count = search_sources(FundingSource.objects.all(), "e").count()
    assert 20 < count <= 40
    assert "Page 1 sur 2" in text
    assert "?q=e&page=2" in text
    second = client.get(reverse("funding:source_list"), {"q": "e", "page": 2})
    assert page_text(second).count("<li class=\"border-bottom py-3\">") == count - 20


def test_an_empty_search_says_what_to_do(client):
    text = page_text(client.get(reverse("funding:source_list"), {"q": "introuvablissime"}))
    assert "Aucune source ne correspond à ces filtres" in text


def test_the_catalogue_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries):
    themes = list(Theme.objects.all()[:4])
    for _n in range(25):
        FundingSourceFactory().themes.set(themes)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("funding:source_list"), {"theme": "culture"})
    assert response.status_code == 200


def test_the_detail_says_whether_the_source_is_open(client):
    text = page_text(client.get(reverse("funding:source_detail",
                                        args=["france-experimentation-french-impact"])))
    assert "du 25 février 2019 au 30 juin 2019" in text
    assert "fermé aujourd'hui" in text
    text = page_text(client.get(reverse("funding:source_detail", args=["subventions-villes"])))
    assert "ouvert en continu" in text and "ouvert aujourd'hui" in text
    assert "tous thèmes" in text


def test_descriptions_are_escaped(client):
    FundingSourceFactory(name="Piège", slug="piege", description="<script>alert(1)</script>")
    response = client.get(reverse("funding:source_detail", args=["piege"]))
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_footer_leads_to_the_catalogue(client):
    assert reverse("funding:source_list") in client.get(reverse("home")).content.decode()


# The API ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_catalogue_through_the_api(client, cast, role):
    client = as_role(client, cast, role)
    response = client.get(reverse("api:source-list"), {"kind": "label"})
    assert response.status_code == 200
    [label] = response.json()["results"]
    assert label["slug"] == "label-territoire-french-impact"
    assert label["funder"] == {"slug": "le-french-impact", "name": "Le French Impact",
                               "kind": "network", "is_public": False,
                               "website": "https://www.le-frenchimpact.fr"}
    fiso = client.get(reverse("api:source-detail", args=["fiso"])).json()
    assert (fiso["typical_min"], fiso["typical_max"]) == ("30000.00", "200000.00")
    assert fiso["open_today"] is True


@pytest.mark.parametrize("role", ["facilitator", "staff", "anonymous"])
def test_the_catalogue_is_not_written_through_the_api(client, cast, role):
    response = as_role(client, cast, role).post(reverse("api:source-list"), {"name": "X"},
                                                content_type="application/json")
    assert response.status_code in (401, 403, 405)
    assert response.json()["code"]
    assert not FundingSource.objects.filter(name="X").exists()


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "zorglub"}, {"culture locale", "amorçage national", "tous thèmes"}),
    ({"q": "zorglub", "kind": "mecenat"}, {"amorçage national"}),
    ({"q": "zorglub", "scope": "regional"}, {"tous thèmes"}),
    ({"q": "zorglub", "funder_kind": "foundation"}, {"amorçage national"}),
    ({"q": "zorglub", "funder": "ville-de-zorglub"}, {"culture locale", "tous thèmes"}),
    ({"q": "zorglub", "theme": "mobilite-douce"}, {"amorçage national", "tous thèmes"}),
    ({"q": "zorglub", "open_today": "true"}, {"culture locale", "amorçage national"}),
    ({"q": "zorglub", "open_on": "2000-01-01"},
     {"culture locale", "amorçage national", "tous thèmes"}),
])
def test_the_api_filters_as_the_page(client, sample, params, expected):
    response = client.get(reverse("api:source-list"), params)
    assert {item["name"] for item in response.json()["results"]} == {
        f"Zorglub {name}" for name in expected}


def test_the_source_api_keeps_a_constant_number_of_queries(client,
                                                           django_assert_max_num_queries):
    themes = list(Theme.objects.all()[:4])
    for _n in range(25):
        FundingSourceFactory().themes.set(themes)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("api:source-list"), {"page_size": 100})
    assert len(response.json()["results"]) == FundingSource.objects.count()


# The admin: staff keep the catalogue -----------------------------------------------------

def test_staff_search_and_filter_the_catalogue_in_the_admin(client, staff):
    client.force_login(staff)
    url = reverse("admin:funding_fundingsource_changelist")
    response = client.get(url, {"q": "FISO", "scope__exact": "national"})
    assert response.status_code == 200
    assert "Fonds d&#x27;innovation sociale (FISO)" in response.content.decode()
    assert client.get(reverse("admin:funding_fundingsource_change",
                              args=[FundingSource.objects.get(slug="fiso").pk])
                      ).status_code == 200


@pytest.mark.parametrize("role", ["facilitator", "member_a", "reviewer"])
def test_others_do_not_reach_the_catalogue_admin(client, cast, role):
    client.force_login(cast[role])
    response = client.get(reverse("admin:funding_fundingsource_changelist"))
    assert response.status_code == 302


def test_a_missing_website_is_null_in_the_api_as_the_schema_says(client):
    funder = FunderFactory(website="")
    source = FundingSourceFactory(funder=funder, website="", name="Fonds sans site")
    listed = client.get("/api/sources/", {"q": "Fonds sans site"}).json()["results"]
    (item,) = [row for row in listed if row["id"] == source.pk]
    assert item["website"] is None and item["funder"]["website"] is None
    schema = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schema["Source"]["properties"]["website"]["nullable"] is True
    assert schema["Funder"]["properties"]["website"]["nullable"] is True
