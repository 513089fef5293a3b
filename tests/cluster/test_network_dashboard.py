"""The national dashboard (/reseau/): shared indicators added up across territories with
their unit checked, territories by wave, projects and funds, the comparison, the API."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster.models import SharedIndicator
from cluster.network_dashboard import network_dashboard, network_territories, territory_rows
from tests.cluster.network_data import build_network

pytestmark = pytest.mark.django_db


def _indicator(themes, slug):
    return next(row for theme in themes for row in theme["indicators"]
                if row["indicator"].slug == slug)


def _year(row, year):
    return next(item for item in row["years"] if item["year"] == year)


def test_counts_are_summed_shares_averaged_other_units_left_out():
    build_network(3)
    data = network_dashboard(network_territories(staff=False), public=True,
                             today=timezone.localdate())
    jobs = _indicator(data["themes"], "emplois-insertion")
    # The latest measurement of each year counts: 4 in 2025, 6 in 2026, per territory.
    assert _year(jobs, 2025)["objectifs"] == Decimal(12)
    assert _year(jobs, 2026)["objectifs"] == Decimal(18)
    assert _year(jobs, 2025)["territories"] == 3
    # The objective in « emplois » is not added to ETP: listed as left out instead.
    assert jobs["excluded"] == 3 * 2  # its latest of 2025 and of 2026
    # Projects: shown apart, published projects only for the public.
    assert _year(jobs, 2025)["projets"] == Decimal(3)
    bike = _indicator(data["themes"], "part-velo-domicile-travail")
    assert _year(bike, 2026)["objectifs"] == Decimal("6.0")  # a mean, not 18 %
    assert "moyenne" in str(bike["rule"])
    assert [theme["theme"].slug for theme in data["themes"]] == [
        "alimentation-durable", "economie-circulaire", "inclusion-emploi", "mobilite-douce",
        "bien-vieillir"]


def test_summary_by_wave_stage_and_funds_for_staff():
    build_network(25)
    staff = network_dashboard(network_territories(staff=True), public=False,
                              today=timezone.localdate())
    summary = staff["summary"]
    assert [(wave["wave"], wave["total"]) for wave in summary["waves"]] == [(1, 20), (2, 5)]
    assert summary["projects"] == {"idee": 25, "prototype": 25}
    assert summary["funds"] == {"planned": Decimal(25000), "raised": Decimal(15000)}
    assert summary["objectives"]["unmeasured"] == 0
    public = network_dashboard(network_territories(staff=False), public=True,
                               today=timezone.localdate())["summary"]
    assert public["projects"] == {"prototype": 25}
    assert public["funds"] == {}
    row = territory_rows(network_territories(staff=True)[:1], public=False,
                         today=timezone.localdate())[0]
    assert row["step"]["number"] == 3
    assert row["challenges"] == 2


@pytest.mark.parametrize("url_name", ["network", "network_compare"])
def test_pages_answer_everybody(client, url_name):
    build_network(2)
    response = client.get(reverse(url_name), {"t": ["reseau-000", "reseau-001"]})
    assert response.status_code == 200
    assert "Territoire reseau 001" in response.content.decode()


def test_dashboard_page_shows_the_sums_and_their_tables(client, staff):
    build_network(3)
    page = client.get(reverse("network")).content.decode()
    assert "Inclusion par l&#x27;emploi" in page or "Inclusion par l'emploi" in page
    assert "<svg" in page and "<table" in page
    assert "12 ETP" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Financements des plans" not in page
    client.force_login(staff)
    assert "Financements des plans" in client.get(reverse("network")).content.decode()


def test_public_never_sees_a_draft_territory(client, staff):
    territories = build_network(2)
    territories[1].is_published = False
    territories[1].save(update_fields=["is_published"])
    assert "reseau 001" not in client.get(reverse("network")).content.decode()
    detail = client.get(reverse("network_indicator", args=["emplois-insertion"]))
    assert "reseau 001" not in detail.content.decode()
    assert "reseau 000" in detail.content.decode()
    client.force_login(staff)
    assert "reseau 001" in client.get(reverse("network")).content.decode()


def test_indicator_page_lists_each_contribution(client, staff):
    build_network(2)
    client.force_login(staff)
    page = client.get(reverse("network_indicator", args=["emplois-insertion"]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Emplois d&#x27;insertion" in content
    assert "/clusters/" in content  # staff reach each objective
    assert "ne sont pas comptées" in content
    assert client.get(reverse("network_indicator", args=["inconnu"])).status_code == 404


@pytest.mark.parametrize("slugs, message", [
    (["reseau-000", "nope"], "Territoire inconnu ou non publié : nope."),
    (["reseau-000"], "Choisissez au moins deux territoires"),
    (["reseau-000", "reseau-001\x00"], "caractère nul"),
])
def test_comparison_refuses_bad_slugs_clearly(client, slugs, message):
    build_network(2)
    response = client.get(reverse("network_compare"), {"t": slugs})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    api = client.get("/api/reseau/comparer/", {"t": slugs})
    assert api.status_code == 400
    assert message in api.json()["detail"]


def test_comparison_side_by_side(client):
    build_network(3)
    response = client.get(reverse("network_compare"), {"t": ["reseau-002", "reseau-000"]})
    content = response.content.decode()
    table = content[content.index("<table"):]
    assert table.index("Territoire reseau 002") < table.index("Territoire reseau 000")
    # The choices keep what was asked selected, and only that.
    assert '<option value="reseau-002" selected>' in content
    assert '<option value="reseau-000" selected>' in content
    assert '<option value="reseau-001">' in content
    api = client.get("/api/reseau/comparer/", {"t": ["reseau-002", "reseau-000"]}).json()
    assert [row["slug"] for row in api["territories"]] == ["reseau-002", "reseau-000"]
    jobs = next(row for row in api["indicators"] if row["indicator"] == "emplois-insertion")
    assert [cell["year"] for cell in jobs["values"]] == [2026, 2026]


def test_api_summary_territories_contributions(client, staff):
    build_network(3)
    summary = client.get("/api/reseau/").json()
    assert summary["territories"] == 3
    assert summary["funds"] is None
    theme = next(theme for theme in summary["themes"] if theme["slug"] == "inclusion-emploi")
    jobs = next(row for row in theme["indicators"]
                if row["indicator"]["slug"] == "emplois-insertion")
    assert {year["year"]: Decimal(year["objectives"]) for year in jobs["years"]} == {
        2025: Decimal(12), 2026: Decimal(18)}
    assert jobs["excluded"] == 6
    rows = client.get("/api/reseau/territoires/").json()
    assert rows["count"] == 3 and rows["results"][0]["funds"] is None
    contributions = client.get("/api/reseau/indicateurs/emplois-insertion/contributions/")
    body = contributions.json()
    assert body["count"] == 3 * 2 * 2 + 3  # 2 objectives × 2 years, + published outcomes
    assert {row["counted"] for row in body["results"]} == {True, False}
    client.force_login(staff)
    assert client.get("/api/reseau/").json()["funds"] == {"planned": "3000.00",
                                                           "raised": "1800.00"}
    assert client.get("/api/reseau/indicateurs/").json()["count"] == 10
    assert client.get("/api/reseau/indicateurs/nope/contributions/").status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/reseau/", "/api/reseau/", "/api/reseau/territoires/",
                                 "/reseau/indicateurs/emplois-insertion/"])
def test_constant_queries_at_27_and_270_territories(client, staff, url):
    client.force_login(staff)
    build_network(27, prefix="petit")
    small = _count(client, url)
    build_network(243, prefix="grand")
    assert small > 3  # the count is real: territories, themes, indicators, figures…
    assert _count(client, url) == small


def test_catalogue_has_each_national_theme():
    themes = set(SharedIndicator.objects.values_list("theme__slug", flat=True))
    assert themes == {"alimentation-durable", "economie-circulaire", "inclusion-emploi",
                      "mobilite-douce", "bien-vieillir"}
