"""Funding plans: the mix, the pages and the API, who may do what, the demo's plan."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cluster.errors import DomainError
from funding.models import BudgetLine, Contribution, Funder, FundingPlan, FundingSource
from funding.selectors import funding_plan_detail, herfindahl, hhi_level, rounded_percents
from funding.services import budget_line_save, contribution_save, funding_plan_save
from tests.funding.factories import (
    BudgetLineFactory,
    ContributionFactory,
    FunderFactory,
    FundingPlanFactory,
    FundingSourceFactory,
)
from tests.helpers import as_role, page_text
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff", "anonymous"]
READERS = {"facilitator", "member_a", "staff"}
WRITERS = {"facilitator", "staff"}


@pytest.fixture
def plan(cluster):
    return FundingPlanFactory(cluster=cluster, title="Plan du cluster marseillais",
                              first_year=2026, last_year=2028)


@pytest.fixture
def sources(db):
    """One source per kind of funder the mix tells apart."""
    def source(name, kind, scope):
        return FundingSourceFactory(name=f"Source {name}", scope=scope,
                                    funder=FunderFactory(name=name, kind=kind))
    return {
        "city": source("Ville de Marseille", Funder.Kind.CITY, FundingSource.Scope.LOCAL),
        "region": source("Région Sud", Funder.Kind.REGION, FundingSource.Scope.REGIONAL),
        "foundation": source("Fondation du Vieux-Port", Funder.Kind.FOUNDATION,
                             FundingSource.Scope.LOCAL),
        "bank": source("Banque publique", Funder.Kind.PUBLIC_BANK,
                       FundingSource.Scope.NATIONAL),
        "europe": source("Europe", Funder.Kind.EUROPE, FundingSource.Scope.EUROPEAN),
    }


@pytest.fixture
def filled(plan, sources):
    """The hand-computed plan of test_the_mix_is_computed_to_the_cent."""
    BudgetLineFactory(plan=plan, year=2026, amount=Decimal("60000"), label="Coordination")
    BudgetLineFactory(plan=plan, year=2026, amount=Decimal("40000.50"), label="Prototypes")
    BudgetLineFactory(plan=plan, year=2027, amount=Decimal("80000"), label="Coordination")
    for name, year, amount, status in [
        ("city", 2026, "30000", "verse"),
        ("region", 2026, "20000", "accorde"),
        ("foundation", 2026, "10000.25", "demande"),
        ("city", 2027, "30000", "accorde"),
        ("bank", 2027, "5000", "envisage"),
        ("europe", 2028, "4999.75", "envisage"),
    ]:
        ContributionFactory(plan=plan, source=sources[name], year=year, amount=Decimal(amount),
                            status=status)
    return plan


# The mix ---------------------------------------------------------------------------------

def test_the_mix_is_computed_to_the_cent(filled, django_assert_num_queries):
    with django_assert_num_queries(2):
        mix = funding_plan_detail(filled)["mix"]
    assert mix["budget_total"] == Decimal("180000.50")
    assert mix["contribution_total"] == Decimal("100000.00")
    assert mix["gap_total"] == Decimal("80000.50")
    assert mix["secured_total"] == Decimal("80000.00")
    assert mix["uncertain_total"] == Decimal("20000.00")
    assert mix["uncertain_share"] == Decimal("0.2")
    assert mix["coverage"] == Decimal("100000") / Decimal("180000.50")
    assert [(row["year"], row["budget"], row["contributions"], row["secured"],
             row["uncertain"], row["gap"]) for row in mix["years"]] == [
        (2026, Decimal("100000.50"), Decimal("60000.25"), Decimal("50000.00"),
         Decimal("10000.25"), Decimal("40000.25")),
        (2027, Decimal("80000.00"), Decimal("35000.00"), Decimal("30000.00"),
         Decimal("5000.00"), Decimal("45000.00")),
        (2028, Decimal("0.00"), Decimal("4999.75"), Decimal("0.00"), Decimal("4999.75"),
         Decimal("-4999.75")),  # more money than expenses that year: a surplus
    ]
    assert [(p.key, p.amount, p.percent) for p in mix["public"]] == [
        ("public", Decimal("89999.75"), 90), ("private", Decimal("10000.25"), 10)]
    # 70.00025 %, 20 %, 5 %, 4.99975 %: the last point goes to the largest remainder.
    assert [(p.key, p.amount, p.percent) for p in mix["scopes"]] == [
        ("local", Decimal("70000.25"), 70), ("regional", Decimal("20000.00"), 20),
        ("national", Decimal("5000.00"), 5), ("europeen", Decimal("4999.75"), 5)]
    assert [(p.key, p.amount) for p in mix["statuses"]] == [
        ("envisage", Decimal("9999.75")), ("demande", Decimal("10000.25")),
        ("accorde", Decimal("50000.00")), ("verse", Decimal("30000.00"))]
    assert [(p.label, p.amount) for p in mix["funders"]] == [
        ("Ville de Marseille", Decimal("60000.00")), ("Région Sud", Decimal("20000.00")),
        ("Fondation du Vieux-Port", Decimal("10000.25")), ("Banque publique",
                                                           Decimal("5000.00")),
        ("Europe", Decimal("4999.75"))]
    # 60² + 20² + 10.00025² + 5² + 4.99975² = 4 150.0025… → 4 150.00
    assert mix["hhi"] == Decimal("4150.00")
    assert mix["hhi_level"] == "concentrated"
    assert mix["hhi_reading"] == "très dépendant d'un financeur"
    assert (mix["top_funder"].label, mix["top_funder"].share) == ("Ville de Marseille",
                                                                  Decimal("0.6"))


def test_every_breakdown_adds_up_to_its_total_exactly(filled):
    mix = funding_plan_detail(filled)["mix"]
    total = mix["contribution_total"]
    for name in ("public", "scopes", "statuses", "funders"):
        assert sum(part.amount for part in mix[name]) == total, name
        assert sum(part.percent for part in mix[name]) == 100, name
    assert sum(row["contributions"] for row in mix["years"]) == total
    assert sum(row["budget"] for row in mix["years"]) == mix["budget_total"]
    assert sum(row["gap"] for row in mix["years"]) == mix["gap_total"]
    assert mix["secured_total"] + mix["uncertain_total"] == total


def test_an_empty_plan_has_a_mix_of_zeros(plan):
    mix = funding_plan_detail(plan)["mix"]
    assert mix["budget_total"] == mix["contribution_total"] == mix["gap_total"] == 0
    assert mix["hhi"] is None and mix["hhi_level"] is None and mix["top_funder"] is None
    assert mix["uncertain_share"] is None and mix["coverage"] is None
    assert [p.percent for p in mix["public"]] == [0, 0]
    assert [row["year"] for row in mix["years"]] == [2026, 2027, 2028]


@pytest.mark.parametrize(("amounts", "hhi", "level"), [
    ([100], "10000.00", "concentrated"),
    ([50, 30, 20], "3800.00", "concentrated"),          # 2 500 + 900 + 400
    ([70, 30], "5800.00", "concentrated"),
    ([1, 1, 1], "3333.33", "concentrated"),
    ([25, 25, 25, 25], "2500.00", "moderate"),          # the upper bound is still moderate
    ([20, 15, 15, 15, 15, 10, 10], "1500.00", "moderate"),  # so is the lower bound
    ([30, 20, 10, 10, 10, 10, 10], "1800.00", "moderate"),
    ([10] * 10, "1000.00", "diversified"),
    # 30 %, 20 %, 15 %, 15 %, 10 %, 10 %: 900 + 400 + 225 + 225 + 100 + 100
    ([12_000, 8_000, 6_000, 6_000, 4_000, 4_000], "1950.00", "moderate"),
])
def test_the_herfindahl_index_and_its_reading(amounts, hhi, level):
    value = herfindahl([Decimal(amount) for amount in amounts])
    assert value == Decimal(hhi)
    assert hhi_level(value) == level


def test_no_contribution_no_index():
    assert herfindahl([]) is None and hhi_level(None) is None


@pytest.mark.parametrize(("amounts", "percents"), [
    ([1, 1, 1], [34, 33, 33]),
    ([2, 1], [67, 33]),
    ([1, 1, 1, 1, 1, 1], [17, 17, 17, 17, 16, 16]),
    ([0, 0], [0, 0]),
    ([5, 0], [100, 0]),
])
def test_shown_percents_always_add_up_to_100(amounts, percents):
    assert rounded_percents([Decimal(amount) for amount in amounts]) == percents


# Services --------------------------------------------------------------------------------

def test_a_source_open_for_part_of_the_year_funds_that_year_only(plan, facilitator):
    source = FundingSourceFactory(opens_on=datetime.date(2026, 11, 1),
                                  closes_on=datetime.date(2027, 3, 31))
    for year in (2026, 2027):
        contribution_save(contribution=Contribution(plan=plan), by=facilitator, fields={
            "source": source, "year": year, "amount": Decimal(1000), "status": "demande"})
    with pytest.raises(DomainError, match="est close depuis le 31 mars 2027") as error:
        contribution_save(contribution=Contribution(plan=plan), by=facilitator, fields={
            "source": source, "year": 2028, "amount": Decimal(1000), "status": "demande"})
    assert error.value.code == "source_closed"
    later = FundingSourceFactory(opens_on=datetime.date(2029, 1, 1))
    with pytest.raises(DomainError, match="n'ouvre que le 1 janvier 2029"):
        contribution_save(contribution=Contribution(plan=plan), by=facilitator, fields={
            "source": later, "year": 2028, "amount": Decimal(1000), "status": "demande"})
    assert plan.contributions.count() == 2


@pytest.mark.parametrize(("amount", "message"), [
    (Decimal("-5"), "supérieur à zéro"),
    (Decimal("0"), "supérieur à zéro"),
    (Decimal("10.001"), "aux centimes"),
    ("douze", "Saisissez un montant"),
    (Decimal("1e12"), "trop élevé"),
])
def test_the_services_refuse_bad_amounts(plan, facilitator, amount, message):
    with pytest.raises(DomainError, match=message) as error:
        budget_line_save(line=BudgetLine(plan=plan), by=facilitator,
                         fields={"label": "Loyer", "year": 2026, "amount": amount})
    assert error.value.code == "invalid_amount"
    assert not BudgetLine.objects.exists()


def test_rows_stay_inside_the_plans_years(plan, facilitator):
    with pytest.raises(DomainError, match="L'année 2029 est hors du plan, qui couvre 2026 "
                                          "à 2028.") as error:
        budget_line_save(line=BudgetLine(plan=plan), by=facilitator,
                         fields={"label": "Loyer", "year": 2029, "amount": Decimal(10)})
    assert error.value.code == "year_outside_plan"
    BudgetLineFactory(plan=plan, year=2028)
    with pytest.raises(DomainError, match="prévues en 2028") as error:
        funding_plan_save(plan=plan, by=facilitator, fields={"last_year": 2027})
    assert error.value.status == 409
    plan.refresh_from_db()
    assert plan.last_year == 2028


def test_one_plan_of_its_own_per_cluster_and_one_per_project(plan, cluster, cluster_b,
                                                              facilitator):
    with pytest.raises(DomainError, match="déjà son plan de financement d'ensemble"):
        funding_plan_save(plan=FundingPlan(cluster=cluster), by=facilitator,
                          fields={"title": "Doublon", "first_year": 2026, "last_year": 2026})
    project = ProjectFactory(cluster=cluster)
    funding_plan_save(plan=FundingPlan(cluster=cluster), by=facilitator,
                      fields={"title": "Plan du projet", "project": project, "first_year": 2026,
                      "last_year": 2027})
    with pytest.raises(DomainError, match="Ce projet a déjà un plan"):
        funding_plan_save(plan=FundingPlan(cluster=cluster), by=facilitator,
                          fields={"title": "Encore", "project": project, "first_year": 2026,
                          "last_year": 2027})
    with pytest.raises(DomainError, match="n'est pas un projet de ce cluster"):
        funding_plan_save(plan=FundingPlan(cluster=cluster_b), by=facilitator,
                          fields={"title": "Intrus", "project": project, "first_year": 2026,
                          "last_year": 2027})
    assert FundingPlan.objects.count() == 2


def test_changes_are_recorded_with_who_made_them(plan, facilitator, sources):
    contribution = contribution_save(contribution=Contribution(plan=plan), by=facilitator,
                                     fields={"source": sources["city"], "year": 2026,
                                             "amount": Decimal(500), "status": "envisage"})
    contribution_save(contribution=contribution, by=facilitator, fields={"status": "accorde"})
    assert [(record.status, record.history_user) for record in contribution.history.all()] \
        == [("accorde", facilitator), ("envisage", facilitator)]


# Pages: who may do what ------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_plans_are_read_by_the_collective(client, cast, filled, cluster, role):
    client = as_role(client, cast, role)
    for url in (reverse("funding:plan_list", args=[cluster.pk]),
                reverse("funding:plan_detail", args=[cluster.pk, filled.pk])):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/compte/connexion/" in response.url
        else:
            assert response.status_code == (200 if role in READERS else 404), url
    if role in READERS:
        text = page_text(response)
        assert "Plan du cluster marseillais" in text
        assert ("Modifier le plan" in text) == (role in WRITERS)
        assert ("Ajouter une contribution" in text) == (role in WRITERS)


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_and_staff_create_a_plan(client, cast, cluster, role):
    client = as_role(client, cast, role)
    url = reverse("funding:plan_create", args=[cluster.pk])
    response = client.post(url, {"title": "Plan 2026-2028", "first_year": 2026,
                                 "last_year": 2028})
    expected = {"anonymous": 302, "member_a": 403}.get(role, 302 if role in WRITERS else 404)
    assert response.status_code == expected
    assert FundingPlan.objects.exists() == (role in WRITERS)
    if role in WRITERS:
        plan = FundingPlan.objects.get()
        assert response.url == reverse("funding:plan_detail", args=[cluster.pk, plan.pk])
        assert plan.project is None


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_and_staff_add_a_contribution(client, cast, plan, sources, role):
    client = as_role(client, cast, role)
    url = reverse("funding:contribution_create", args=[plan.cluster_id, plan.pk])
    response = client.post(url, {"source": sources["city"].pk, "year": 2026,
                                 "amount": "12 500,50", "status": "demande"})
    expected = {"anonymous": 302, "member_a": 403}.get(role, 302 if role in WRITERS else 404)
    assert response.status_code == expected
    assert Contribution.objects.exists() == (role in WRITERS)


@pytest.mark.parametrize("role", ["facilitator", "member_a", "member_b", "staff"])
def test_only_facilitators_and_staff_delete_a_line(client, cast, plan, role):
    line = BudgetLineFactory(plan=plan)
    client = as_role(client, cast, role)
    url = reverse("funding:line_delete", args=[plan.cluster_id, plan.pk, line.pk])
    assert client.get(url).status_code == {"member_a": 403, "member_b": 404}.get(role, 200)
    client.post(url)
    assert BudgetLine.objects.exists() == (role not in WRITERS)


def test_a_plan_of_another_cluster_is_not_found_through_mine(client, facilitator, cluster,
                                                             cluster_b):
    other = FundingPlanFactory(cluster=cluster_b)
    client.force_login(facilitator)
    assert client.get(reverse("funding:plan_detail",
                              args=[cluster.pk, other.pk])).status_code == 404
    line = BudgetLineFactory(plan=other)
    own = FundingPlanFactory(cluster=cluster)
    response = client.post(reverse("funding:line_delete", args=[cluster.pk, own.pk, line.pk]))
    assert response.status_code == 404
    assert BudgetLine.objects.filter(pk=line.pk).exists()


# Pages: forms ----------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "amount"), [
    ("12 500,50", "12500.50"),
    ("12\u202f500,50", "12500.50"),   # the narrow no-break space of French formatting
    ("12 500 €", "12500"),
    ("12.500,50", "12500.50"),
    ("12500.5", "12500.50"),
    ("1 000 000", "1000000"),
])
def test_amounts_are_typed_the_french_way(client, facilitator, plan, typed, amount):
    client.force_login(facilitator)
    response = client.post(reverse("funding:line_create", args=[plan.cluster_id, plan.pk]),
                           {"label": "Coordination du cluster", "year": 2027,
                            "amount": typed})
    assert response.status_code == 302
    line = BudgetLine.objects.get()
    assert (line.amount, line.year, line.label) == (Decimal(amount), 2027,
                                                    "Coordination du cluster")


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "-100"}, "Le montant doit être supérieur à zéro."),
    ({"amount": "0"}, "Le montant doit être supérieur à zéro."),
    ({"amount": "0,00"}, "Le montant doit être supérieur à zéro."),
    ({"amount": "douze mille"}, "Saisissez un montant en euros, par exemple 12 500,50."),
    ({"amount": "12,505"}, "deux chiffres après la virgule au plus"),
    ({"amount": ""}, "Ce champ est obligatoire."),
    ({"year": "2030"}, "L'année doit être l'une des années du plan, de 2026 à 2028."),
    ({"year": "deux mille"}, "L'année doit être l'une des années du plan, de 2026 à 2028."),
    ({"label": "  "}, "Ce champ est obligatoire."),
])
def test_bad_lines_are_refused_and_nothing_is_written(client, facilitator, plan, data,
                                                      message):
    client.force_login(facilitator)
    response = client.post(reverse("funding:line_create", args=[plan.cluster_id, plan.pk]),
                           {"label": "Loyer du tiers-lieu", "year": 2026, "amount": "1000",
                            **data})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "-1 000"}, "Le montant doit être supérieur à zéro."),
    ({"amount": "mille"}, "Saisissez un montant en euros"),
    ({"year": "2025"}, "L'année doit être l'une des années du plan, de 2026 à 2028."),
    ({"status": "refuse"}, "Sélectionnez un choix valide"),
    ({"source": "999999"}, "Sélectionnez un choix valide"),
])
def test_bad_contributions_are_refused_and_nothing_is_written(client, facilitator, plan,
                                                              sources, data, message):
    client.force_login(facilitator)
    response = client.post(
        reverse("funding:contribution_create", args=[plan.cluster_id, plan.pk]),
        {"source": sources["city"].pk, "year": 2026, "amount": "5 000", "status": "demande",
         **data})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Contribution.objects.exists()


def test_a_closed_source_is_refused_in_the_form(client, facilitator, plan):
    client.force_login(facilitator)
    closed = FundingSource.objects.get(slug="france-experimentation-french-impact")
    url = reverse("funding:contribution_create", args=[plan.cluster_id, plan.pk])
    assert "(clos le 30/06/2019)" in page_text(client.get(url))
    response = client.post(url, {"source": closed.pk, "year": 2026, "amount": "1000",
                                 "status": "envisage"})
    assert response.status_code == 400
    assert ("« Appel à projets France Expérimentation — French Impact » est close depuis le "
            "30 juin 2019 : elle ne peut pas financer l'année 2026.") in page_text(response)
    assert not Contribution.objects.exists()


def test_a_contribution_is_edited_then_deleted_after_confirmation(client, facilitator, plan,
                                                                 sources):
    contribution = ContributionFactory(plan=plan, source=sources["region"], year=2026,
                                       amount=Decimal(20_000), status="demande")
    client.force_login(facilitator)
    args = [plan.cluster_id, plan.pk, contribution.pk]
    form = page_text(client.get(reverse("funding:contribution_update", args=args)))
    assert 'value="20000,00"' in form
    response = client.post(reverse("funding:contribution_update", args=args), {
        "source": sources["region"].pk, "year": 2027, "amount": "22 000",
        "status": "accorde", "note": "Vote de la commission permanente"})
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert (contribution.year, contribution.amount, contribution.status) == (
        2027, Decimal(22_000), "accorde")
    url = reverse("funding:contribution_delete", args=args)
    assert "définitive" in page_text(client.get(url))
    assert Contribution.objects.exists()
    client.post(url)
    assert not Contribution.objects.exists()


def test_a_plan_is_created_for_a_project_of_the_cluster(client, facilitator, plan, cluster,
                                                        cluster_b):
    project = ProjectFactory(cluster=cluster, title="Micro-ferme urbaine")
    foreign = ProjectFactory(cluster=cluster_b)
    client.force_login(facilitator)
    url = reverse("funding:plan_create", args=[cluster.pk])
    form = page_text(client.get(url))
    assert "Micro-ferme urbaine" in form and foreign.title not in form
    assert 'value="Plan de financement du projet"' in form  # the cluster has its own plan
    response = client.post(url, {"title": "Micro-ferme", "project": foreign.pk,
                                 "first_year": 2026, "last_year": 2027})
    assert response.status_code == 400
    response = client.post(url, {"title": "Micro-ferme", "project": project.pk,
                                 "first_year": 2026, "last_year": 2027})
    assert response.status_code == 302
    assert FundingPlan.objects.get(project=project).cluster == cluster


@pytest.mark.parametrize(("data", "message"), [
    ({"first_year": 2028, "last_year": 2026},
     "La dernière année du plan doit suivre ou égaler la première."),
    ({"first_year": 2026, "last_year": 2040}, "Un plan couvre 10 ans au plus."),
    ({"first_year": 1990, "last_year": 1992}, "supérieure ou égale à 2000"),
    ({"first_year": "deux mille", "last_year": 2026}, "Saisissez une année"),
    ({"title": ""}, "Ce champ est obligatoire."),
])
def test_bad_plans_are_refused(client, facilitator, cluster, data, message):
    client.force_login(facilitator)
    response = client.post(reverse("funding:plan_create", args=[cluster.pk]),
                           {"title": "Plan", "first_year": 2026, "last_year": 2028, **data})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not FundingPlan.objects.exists()


def test_once_the_cluster_has_its_plan_a_new_one_is_a_projects(client, facilitator, plan,
                                                                 cluster):
    client.force_login(facilitator)
    url = reverse("funding:plan_create", args=[cluster.pk])
    text = page_text(client.get(url))
    assert "chacun de ses projets a son plan" in text  # no project left to fund
    assert "Plan d'ensemble du cluster —" not in text
    response = client.post(url, {"title": "Doublon", "first_year": 2026, "last_year": 2028})
    assert response.status_code == 400
    assert "Le cluster a déjà son plan d'ensemble : ce plan-ci est celui d'un de ses projets." \
        in page_text(response)
    assert FundingPlan.objects.count() == 1


def test_shrinking_the_years_under_existing_rows_is_refused(client, facilitator, filled):
    client.force_login(facilitator)
    response = client.post(reverse("funding:plan_update", args=[filled.cluster_id,
                                                                filled.pk]),
                           {"title": filled.title, "first_year": 2026, "last_year": 2027})
    assert response.status_code == 400
    assert "Des dépenses ou des contributions sont prévues en 2028" in page_text(response)
    filled.refresh_from_db()
    assert filled.last_year == 2028


def test_a_plan_is_deleted_with_its_rows_after_confirmation(client, facilitator, filled):
    client.force_login(facilitator)
    url = reverse("funding:plan_delete", args=[filled.cluster_id, filled.pk])
    assert "définitive" in page_text(client.get(url))
    assert FundingPlan.objects.exists()
    response = client.post(url)
    assert response.url == reverse("funding:plan_list", args=[filled.cluster_id])
    assert not FundingPlan.objects.exists() and not Contribution.objects.exists()


# Pages: what they show -------------------------------------------------------------------

def test_the_plan_page_shows_the_mix_with_its_tables(client, member_a, filled):
    client.force_login(member_a)
    response = client.get(reverse("funding:plan_detail", args=[filled.cluster_id, filled.pk]))
    text = page_text(response).replace("\u202f", " ").replace("\xa0", " ")
    assert "180 000,50 €" in text                     # budget total
    assert "80 000,50 €" in text and "reste à financer" in text
    assert "excédent 4 999,75 €" in text              # 2028 has more money than expenses
    assert "20 %" in text                              # still uncertain
    assert "4 150" in text and "très dépendant d'un financeur" in text
    assert "Ville de Marseille, apporte 60 % des contributions" in text
    assert 'id="plan-chart-data"' in text
    assert "vendor/chart.js/chart.umd.min.js" in text


def test_an_empty_plan_says_what_to_do_next(client, facilitator, member_a, plan):
    client.force_login(facilitator)
    url = reverse("funding:plan_detail", args=[plan.cluster_id, plan.pk])
    text = page_text(client.get(url))
    assert "Ce plan n'a encore ni dépense ni contribution." in text
    assert "Ajouter une dépense" in text
    assert "chart.umd.min.js" not in text
    client.force_login(member_a)
    assert "Les animateur·rices du collectif le complètent." in page_text(client.get(url))


def test_a_cluster_without_plan_says_who_creates_it(client, facilitator, member_a, cluster):
    url = reverse("funding:plan_list", args=[cluster.pk])
    client.force_login(facilitator)
    assert "Créez le plan d'ensemble du cluster" in page_text(client.get(url))
    client.force_login(member_a)
    assert "Les animateur·rices du collectif le créent" in page_text(client.get(url))


def test_the_dashboard_links_to_the_plans(client, member_a, cluster):
    client.force_login(member_a)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    assert reverse("funding:plan_list", args=[cluster.pk]) in response.content.decode()


def test_the_plan_list_shows_each_plans_totals(client, member_a, filled, cluster):
    project_plan = FundingPlanFactory(cluster=cluster, title="Plan de la micro-ferme",
                                      project=ProjectFactory(cluster=cluster))
    BudgetLineFactory(plan=project_plan, amount=Decimal(1000))
    client.force_login(member_a)
    text = page_text(client.get(reverse("funding:plan_list", args=[cluster.pk])))
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    assert text.index("Plan du cluster marseillais") < text.index("Plan de la micro-ferme")
    assert "180 000,50 €" in text and "100 000 €" in text and "1 000 €" in text


def test_the_plan_page_keeps_a_constant_number_of_queries(client, facilitator, plan,
                                                          django_assert_max_num_queries):
    for n in range(30):
        ContributionFactory(plan=plan, year=2026 + n % 3, amount=Decimal(100 + n),
                            source=FundingSourceFactory(funder=FunderFactory()))
        BudgetLineFactory(plan=plan, year=2026 + n % 3)
    client.force_login(facilitator)
    url = reverse("funding:plan_detail", args=[plan.cluster_id, plan.pk])
    # The mix's two sums, then a page of lines and one of contributions: 10 at any size.
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert page_text(response).count('href="/financements/catalogue/appel-a-projets-n') == 25
    assert "?contributions=2" in response.text
    with django_assert_max_num_queries(10):
        rest = client.get(url, {"contributions": 2})
    assert page_text(rest).count('href="/financements/catalogue/appel-a-projets-n') == 5


def test_the_plan_list_keeps_a_constant_number_of_queries(client, facilitator, plan, cluster,
                                                          django_assert_max_num_queries):
    for _n in range(6):
        project_plan = FundingPlanFactory(cluster=cluster,
                                          project=ProjectFactory(cluster=cluster))
        BudgetLineFactory(plan=project_plan)
        ContributionFactory(plan=project_plan)
    client.force_login(facilitator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("funding:plan_list", args=[cluster.pk]))
    assert page_text(response).count("Plan de financement n°") == 6


# The API ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_the_collective_reads_its_plans_through_the_api(client, cast, filled, role):
    client = as_role(client, cast, role)
    response = client.get(reverse("api:plan-list"))
    if role == "anonymous":
        assert response.status_code == 401
        return
    ids = [item["id"] for item in response.json()["results"]]
    assert ids == ([filled.pk] if role in READERS else [])
    detail = client.get(reverse("api:plan-detail", args=[filled.pk]))
    assert detail.status_code == (200 if role in READERS else 404)
    if role in READERS:
        assert response.json()["results"][0]["budget_total"] == "180000.50"


def test_the_api_detail_nests_rows_and_the_mix(client, member_a, filled):
    client.force_login(member_a)
    data = client.get(reverse("api:plan-detail", args=[filled.pk])).json()
    assert len(data["lines"]) == 3 and len(data["contributions"]) == 6
    assert data["contributions"][0]["source"].startswith("source-")
    mix = data["mix"]
    assert (mix["budget_total"], mix["contribution_total"], mix["gap_total"]) == (
        "180000.50", "100000.00", "80000.50")
    assert mix["years"][2] == {"year": 2028, "budget": "0.00", "contributions": "4999.75",
                               "secured": "0.00", "uncertain": "4999.75", "gap": "-4999.75"}
    assert [(p["key"], p["amount"], p["percent"]) for p in mix["public"]] == [
        ("public", "89999.75", 90), ("private", "10000.25", 10)]
    assert (mix["hhi"], mix["hhi_level"]) == ("4150.00", "concentrated")
    assert mix["uncertain_share"] == "0.200000"
    assert mix["top_funder"]["label"] == "Ville de Marseille"


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_and_staff_create_a_plan_through_the_api(client, cast, cluster,
                                                                   role):
    response = as_role(client, cast, role).post(reverse("api:plan-list"), {
        "cluster": cluster.pk, "title": "Plan 2026-2028", "first_year": 2026,
        "last_year": 2028}, content_type="application/json")
    # Outsiders are told the cluster does not exist, as for projects.
    expected = {"anonymous": 401, "member_a": 403}.get(role, 201 if role in WRITERS else 400)
    assert response.status_code == expected
    assert set(response.json()) >= ({"id", "mix"} if expected == 201 else {"detail", "code"})
    assert FundingPlan.objects.exists() == (role in WRITERS)


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_and_staff_write_rows_through_the_api(client, cast, plan, sources,
                                                                role):
    client = as_role(client, cast, role)
    line = client.post(reverse("api:plan-add-line", args=[plan.pk]),
                       {"label": "Coordination", "year": 2026, "amount": "52000.00"},
                       content_type="application/json")
    contribution = client.post(reverse("api:plan-add-contribution", args=[plan.pk]),
                               {"source": sources["city"].slug, "year": 2026,
                                "amount": 30000, "status": "accorde"},
                               content_type="application/json")
    expected = {"anonymous": 401, "member_a": 403}.get(role, 201 if role in WRITERS else 404)
    assert (line.status_code, contribution.status_code) == (expected, expected)
    assert BudgetLine.objects.exists() == Contribution.objects.exists() == (role in WRITERS)
    if role == "member_a":
        assert line.json() == {"detail": "Seuls les animateur·rices du collectif modifient "
                                         "ses plans de financement.", "code": "permission_denied"}
    if role in WRITERS:
        assert contribution.json()["funder"] == "Ville de Marseille"
        assert contribution.json()["amount"] == "30000.00"


@pytest.mark.parametrize(("payload", "status", "detail", "code"), [
    ({"amount": "-100"}, 400, "Le montant doit être supérieur à zéro.", "invalid_amount"),
    ({"amount": 0}, 400, "Le montant doit être supérieur à zéro.", "invalid_amount"),
    ({"amount": "douze"}, 400, "Les données envoyées ne sont pas valides.", "invalid"),
    ({"year": 2031}, 400, "L'année 2031 est hors du plan, qui couvre 2026 à 2028.",
     "year_outside_plan"),
    ({"source": "france-experimentation-french-impact"}, 400,
     "« Appel à projets France Expérimentation — French Impact » est close depuis le 30 juin "
     "2019 : elle ne peut pas financer l'année 2026.", "source_closed"),
    ({"source": "inconnue"}, 400, "Les données envoyées ne sont pas valides.", "invalid"),
    ({"status": "refuse"}, 400, "Les données envoyées ne sont pas valides.", "invalid"),
])
def test_bad_contributions_through_the_api(client, facilitator, plan, sources, payload, status,
                                           detail, code):
    client.force_login(facilitator)
    response = client.post(reverse("api:plan-add-contribution", args=[plan.pk]),
                           {"source": sources["city"].slug, "year": 2026, "amount": "1000",
                            "status": "demande", **payload}, content_type="application/json")
    assert response.status_code == status
    body = response.json()
    assert (body["detail"], body["code"]) == (detail, code)
    if code == "invalid":
        assert body["errors"]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(("payload", "code"), [
    ({"amount": "-1"}, "invalid_amount"),
    ({"amount": "beaucoup"}, "invalid"),
    ({"year": 2025}, "year_outside_plan"),
])
def test_bad_lines_through_the_api(client, staff, plan, payload, code):
    client.force_login(staff)
    response = client.post(reverse("api:plan-add-line", args=[plan.pk]),
                           {"label": "Loyer", "year": 2026, "amount": "1000", **payload},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert not BudgetLine.objects.exists()


def test_rows_are_changed_and_deleted_through_the_api(client, facilitator, member_a, filled):
    contribution = filled.contributions.get(status="demande")
    line = filled.lines.first()
    client.force_login(member_a)
    url = reverse("api:plan-change-contribution", args=[filled.pk, contribution.pk])
    assert client.patch(url, {"status": "accorde"},
                        content_type="application/json").status_code == 403
    client.force_login(facilitator)
    response = client.patch(url, {"status": "accorde"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accorde"
    contribution.refresh_from_db()
    assert (contribution.status, contribution.amount) == ("accorde", Decimal("10000.25"))
    response = client.patch(reverse("api:plan-change-line", args=[filled.pk, line.pk]),
                            {"year": 2035}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "year_outside_plan")
    response = client.delete(reverse("api:plan-change-line", args=[filled.pk, line.pk]))
    assert response.status_code == 204
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404


def test_a_row_of_another_plan_is_not_reached_through_mine(client, facilitator, plan,
                                                           cluster_b):
    other = BudgetLineFactory(plan=FundingPlanFactory(cluster=cluster_b))
    client.force_login(facilitator)
    response = client.delete(reverse("api:plan-change-line", args=[plan.pk, other.pk]))
    assert response.status_code == 404
    assert BudgetLine.objects.filter(pk=other.pk).exists()


def test_plan_rules_through_the_api(client, facilitator, filled, cluster, cluster_b):
    client.force_login(facilitator)
    response = client.post(reverse("api:plan-list"), {
        "cluster": cluster.pk, "title": "Doublon", "first_year": 2026, "last_year": 2027},
        content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "duplicate_plan")
    url = reverse("api:plan-detail", args=[filled.pk])
    response = client.patch(url, {"last_year": 2027}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "rows_outside_years")
    response = client.patch(url, {"cluster": cluster_b.pk}, content_type="application/json")
    assert response.status_code == 400
    response = client.patch(url, {"title": "Plan 2026-2029", "last_year": 2029},
                            content_type="application/json")
    assert response.status_code == 200
    assert [row["year"] for row in response.json()["mix"]["years"]] == [2026, 2027, 2028,
                                                                        2029]
    assert client.delete(url).status_code == 204
    assert not FundingPlan.objects.exists()


def test_the_plan_api_keeps_a_constant_number_of_queries(client, facilitator, cluster, plan,
                                                         django_assert_max_num_queries):
    for n in range(20):
        ContributionFactory(plan=plan, year=2026 + n % 3,
                            source=FundingSourceFactory(funder=FunderFactory()))
        BudgetLineFactory(plan=plan)
    for _n in range(5):
        FundingPlanFactory(cluster=cluster, project=ProjectFactory(cluster=cluster))
    client.force_login(facilitator)
    with django_assert_max_num_queries(6):
        assert len(client.get(reverse("api:plan-list")).json()["results"]) == 6
    with django_assert_max_num_queries(8):
        data = client.get(reverse("api:plan-detail", args=[plan.pk])).json()
    assert len(data["contributions"]) == 20


def test_the_schema_documents_the_funding_endpoints(client, openapi_schema):
    paths = openapi_schema["paths"]
    for path in ("/api/sources/", "/api/sources/{slug}/", "/api/plans/", "/api/plans/{id}/",
                 "/api/plans/{id}/lignes/", "/api/plans/{id}/lignes/{row_pk}/",
                 "/api/plans/{id}/contributions/", "/api/plans/{id}/contributions/{row_pk}/"):
        assert path in paths, path
        for operation in paths[path].values():
            assert operation.get("summary"), path


# The demo --------------------------------------------------------------------------------

def test_the_demo_gives_aix_marseille_a_three_year_hybrid_plan(demo):
    plan = FundingPlan.objects.get()
    assert plan.cluster.territory.slug == "aix-marseille-provence"
    assert plan.last_year - plan.first_year == 2
    assert (plan.lines.count(), plan.contributions.count()) == (14, 20)
    assert set(plan.contributions.values_list("status", flat=True)) == set(
        Contribution.Status.values)
    mix = funding_plan_detail(plan)["mix"]
    assert mix["budget_total"] == Decimal("367500.00")
    assert mix["contribution_total"] == Decimal("339500.00")
    assert mix["hhi_level"] == "moderate"
    assert {part.key for part in mix["scopes"] if part.amount} == {"local", "regional",
                                                                   "national"}
    funders = {part.label for part in mix["funders"]}
    assert {"Métropole Aix-Marseille-Provence", "Le French Impact",
            "Banque des Territoires"} <= funders
    assert plan.history.first().history_user.email == "animatrice@demo.local"
