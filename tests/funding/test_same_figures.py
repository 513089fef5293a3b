"""The funding plan's page and the schéma directeur's PDF show the same figures for the same
data: amounts, percentages and the concentration index go through cluster.formatting."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from cluster import formatting
from cluster.masterplan import preview_snapshot
from cluster.masterplan_document import render_html, write_pdf
from funding.models import FundingSource
from funding.selectors import funding_plan_detail
from tests.funding.factories import (
    BudgetLineFactory,
    ContributionFactory,
    FunderFactory,
    FundingPlanFactory,
    FundingSourceFactory,
)
from tests.helpers import page_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None,
                       reason="pdftotext (poppler-utils) reads the PDFs"),
]


def plain(text):
    """Read spaces alike: the page's and the PDF's no-break spaces, line breaks."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def plan(cluster):
    """Three funders, 7 000 / 3 000 / 1 000 €: an index of 4 876,03, shown "4 876"."""
    plan = FundingPlanFactory(cluster=cluster, first_year=2026, last_year=2027)
    BudgetLineFactory(plan=plan, year=2026, amount=Decimal("12000.75"), label="Coordination")
    for name, scope, amount in [("Ville de Marseille", FundingSource.Scope.LOCAL, "7000"),
                                ("Région Sud", FundingSource.Scope.REGIONAL, "3000"),
                                ("Fondation du Vieux-Port", FundingSource.Scope.LOCAL,
                                 "1000")]:
        source = FundingSourceFactory(name=f"Source {name}", scope=scope,
                                      funder=FunderFactory(name=name))
        ContributionFactory(plan=plan, source=source, year=2026, amount=Decimal(amount))
    return plan


def test_the_page_and_the_pdf_show_the_same_figures(client, facilitator, cluster, plan):
    mix = funding_plan_detail(plan)["mix"]
    assert mix["hhi"] != mix["hhi"].to_integral_value()  # decimals that one could print
    client.force_login(facilitator)
    page = plain(page_text(client.get(reverse("funding:plan_detail",
                                              args=[cluster.pk, plan.pk]))))
    target = io.BytesIO()
    write_pdf(render_html(preview_snapshot(cluster), draft=True), target)
    pdf = plain(subprocess.run(["pdftotext", "-", "-"], input=target.getvalue(),  # noqa: S607
                               capture_output=True, check=True).stdout.decode())

    figures = [formatting.index(mix["hhi"]), formatting.euros(mix["budget_total"]),
               formatting.euros(mix["contribution_total"]),
               *[formatting.euros(part.amount) for part in mix["funders"]]]
    for figure in figures:
        assert plain(figure) in page, figure
        assert plain(figure) in pdf, figure
    unrounded = plain(formatting.number(mix["hhi"], 2))
    assert unrounded not in page and unrounded not in pdf
    # The breakdown's whole percents, rounded to add up to 100, on both: 73 % local.
    assert [part.percent for part in mix["scopes"]] == [73, 27, 0, 0]
    for part in mix["scopes"][:2]:
        shown = plain(formatting.percentage(part.percent))
        assert shown in page and shown in pdf, shown


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("1832.66"), "1\u202f833"), ("1832.5", "1\u202f833"), ("1832.49", "1\u202f832"),
    (10000, "10\u202f000"), (None, "—"), ("", "—"), ("n/a", "—"), (Decimal("NaN"), "—"),
])
def test_the_index_is_shown_whole(value, shown):
    assert formatting.index(value) == shown


@pytest.mark.parametrize(("points", "shown"), [
    (45, "45\u00a0%"), ("70", "70\u00a0%"), (Decimal("4.5"), "5\u00a0%"), (0, "0\u00a0%"),
    (None, "—"), ("abc", "—"),
])
def test_a_percentage_in_points(points, shown):
    assert formatting.percentage(points) == shown
