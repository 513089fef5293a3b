"""The schéma directeur's PDF: sections flow from page to page, long labels wrap whole.

Read back with pdftotext: the words' boxes (`-bbox`) never pass the page's edge, a
200-character défi title and a funder's long name appear whole (no "…"), and a page holds
more than one section when they are short.
"""

import html
import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from cluster.charts import wrap
from cluster.masterplan import preview_snapshot
from cluster.masterplan_document import render_html, write_pdf
from cluster.models import Challenge, Measurement, Objective
from tests.funding.factories import (
    BudgetLineFactory,
    ContributionFactory,
    FunderFactory,
    FundingPlanFactory,
    FundingSourceFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None,
                       reason="pdftotext (poppler-utils) reads the PDFs"),
]

TITLE = ("Réduire de moitié le gaspillage alimentaire des cantines scolaires et des "
         "restaurants collectifs du territoire et en reliant producteurs locaux, cuisiniers, "
         "familles et associations d'aide alimentaire")
FUNDER = ("Fondation pour l'innovation sociale et environnementale des territoires "
          "méditerranéens et de leurs habitants")
ADDRESS = "https://www.exemple-de-financeur-aux-adresses-tres-longues.fr/" + "a" * 90


@pytest.fixture
def pdf(cluster):
    assert len(TITLE) == Challenge._meta.get_field("title").max_length  # the longest one
    challenge = Challenge.objects.create(cluster=cluster, title=TITLE)
    objective = Objective.objects.create(challenge=challenge, title="Repas servis en circuit court",
                                         unit="%", baseline=10, target=50,
                                         target_date=date(2030, 1, 1))
    Measurement.objects.create(objective=objective, value=30, measured_on=date(2026, 6, 1),
                               source="Pesées")
    plan = FundingPlanFactory(cluster=cluster, first_year=2026, last_year=2027)
    BudgetLineFactory(plan=plan, year=2026, amount=Decimal("10000"), label=ADDRESS)
    ContributionFactory(plan=plan, year=2026, amount=Decimal("6000"),
                        source=FundingSourceFactory(name="Appel local",
                                                    funder=FunderFactory(name=FUNDER)))
    target = io.BytesIO()
    write_pdf(render_html(preview_snapshot(cluster), draft=True), target)
    return target.getvalue()


def pdftotext(content, *options):
    return subprocess.run(["pdftotext", *options, "-", "-"], input=content,  # noqa: S603, S607
                          capture_output=True, check=True).stdout.decode()


def plain(text):
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_no_word_runs_off_the_page(pdf):
    boxes = pdftotext(pdf, "-bbox")
    pages = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', boxes, re.S)
    assert pages
    for width, page in pages:
        for x_max, word in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" '
                                      r'yMax="[\d.]+">([^<]*)</word>', page):
            assert float(x_max) <= float(width), html.unescape(word)


def test_long_titles_and_names_appear_whole(pdf):
    text = pdftotext(pdf)
    assert "…" not in text
    flat = plain(text).replace("’", "'")
    assert TITLE in flat
    assert FUNDER in flat
    # The long address wraps inside its cell: its characters are all there, in order.
    assert ADDRESS in re.sub(r"\s+", "", text)


def test_short_sections_share_a_page(pdf):
    pages = pdftotext(pdf).split("\f")
    starts = [index for index, page in enumerate(pages)
              for title in ("Vision et ambition", "Gouvernance et partenariats")
              if re.search(rf"^\s*\d+\s+{title}\s*$", page, re.M)]
    assert len(starts) == 2
    assert starts[0] == starts[1]  # the second section follows the first on its page
    assert len(pages) < 2 + 9  # cover, contents, then no page per section


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("Un deux trois", 7, ["Un deux", "trois"]),
    ("Un", 10, ["Un"]),
    ("", 10, [""]),
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
    ("Voir abcdefghij fin", 6, ["Voir", "abcdef", "ghij", "fin"]),
])
def test_chart_labels_wrap_instead_of_being_cut(text, width, lines):
    assert wrap(text, width) == lines
