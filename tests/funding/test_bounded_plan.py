"""A funding plan's page stays the same size however many rows the plan has: its mix comes
from sums, its lines and contributions a page at a time, its first funders one by one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.plan_page import PLAN_FUNDERS_SHOWN, PLAN_ROWS_PAGE, plan_mix
from funding.selectors import funding_plan_detail
from tests.funding.factories import (
    BudgetLineFactory,
    ContributionFactory,
    FunderFactory,
    FundingPlanFactory,
    FundingSourceFactory,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cluster):
    return FundingPlanFactory(cluster=cluster, first_year=2026, last_year=2028)


def _fill(plan, funders, per_funder):
    statuses = ["envisage", "demande", "accorde", "verse"]
    for n in range(funders):
        source = FundingSourceFactory(funder=FunderFactory(kind="region" if n % 2 else "company"))
        for m in range(per_funder):
            ContributionFactory(plan=plan, source=source, year=2026 + (n + m) % 3,
                                status=statuses[(n + m) % 4],
                                amount=Decimal(1000 + 37 * n + m) + Decimal("0.25"))
    for n in range(PLAN_ROWS_PAGE + 3):
        BudgetLineFactory(plan=plan, year=2026 + n % 3, amount=Decimal(900 + n))


def test_the_mix_from_sums_is_the_mix_from_rows(plan):
    _fill(plan, funders=7, per_funder=3)
    mix, line_count, contribution_count = plan_mix(plan)
    assert (line_count, contribution_count) == (PLAN_ROWS_PAGE + 3, 21)
    assert mix == funding_plan_detail(plan)["mix"]


def test_the_page_shows_the_first_funders_and_sums_the_others(client, facilitator, plan):
    _fill(plan, funders=PLAN_FUNDERS_SHOWN + 2, per_funder=1)
    client.force_login(facilitator)
    url = reverse("funding:plan_detail", args=[plan.cluster_id, plan.pk])
    response = client.get(url)
    assert len(response.context["funders_shown"]) == PLAN_FUNDERS_SHOWN
    others = response.context["other_funders"]
    assert others.count == 2
    parts = response.context["mix"]["funders"]
    assert others.amount == sum(part.amount for part in parts[PLAN_FUNDERS_SHOWN:])
    shown = sum(part.percent for part in response.context["funders_shown"])
    assert shown + others.percent == 100
    assert "2 autres financeurs" in page_text(response)
    assert "?depenses=2" in response.text
    second = client.get(url, {"depenses": 2})
    assert len(second.context["lines"]) == 3
    for bad in ("x", "0", "-3", "1e9"):
        assert client.get(url, {"depenses": bad, "contributions": bad}).status_code == 200


def test_contribution_states_keep_their_words(client, facilitator, plan):
    ContributionFactory(plan=plan, status="accorde", year=2026)
    client.force_login(facilitator)
    response = client.get(reverse("funding:plan_detail", args=[plan.cluster_id, plan.pk]))
    assert response.context["contributions"][0].status_label == "accordé"
    assert ">accordé</span>" in response.text
