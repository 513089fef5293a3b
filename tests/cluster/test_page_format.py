"""One way to show a figure, a trail and an "are you sure" page (cluster.formatting,
cluster.breadcrumbs, templates/includes/)."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse

from cluster import formatting
from cluster.models import Engagement, Milestone
from cluster.services import engagement_save
from territories.models import Actor
from tests.helpers import page_text

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(("value", "expected"), [
    (0, f"0{NBSP}€"),
    (Decimal("0.00"), f"0{NBSP}€"),
    (-1500, f"-1{NNBSP}500{NBSP}€"),
    (Decimal("-0.004"), f"0{NBSP}€"),               # no "-0 €"
    (Decimal("12500.50"), f"12{NNBSP}500,50{NBSP}€"),  # cents only when there are some
    (Decimal("35000.00"), f"35{NNBSP}000{NBSP}€"),   # never a trailing ",00"
    (Decimal("0.5"), f"0,50{NBSP}€"),
    ("0.005", f"0,01{NBSP}€"),                     # half away from zero, as by hand
    (10**12, f"1{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000{NBSP}€"),
    ("12500.5", f"12{NNBSP}500,50{NBSP}€"),          # a frozen snapshot keeps text
    (1234.5, f"1{NNBSP}234,50{NBSP}€"),
    (None, "—"), ("", "—"), ("abc", "—"), (float("nan"), "—"), (Decimal("Infinity"), "—"),
])
def test_euros(value, expected):
    assert formatting.euros(value) == expected


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (1939077, None, f"1{NNBSP}939{NNBSP}077"),
    (Decimal("12500.50"), None, f"12{NNBSP}500,5"),
    (Decimal("72.5"), 2, "72,50"),
    (-2.25, None, "-2,25"),
    (0, 0, "0"),
    (Decimal("999.5"), 0, f"1{NNBSP}000"),
    (None, None, "—"),
])
def test_number(value, decimals, expected):
    assert formatting.number(value, decimals) == expected


def test_percent_and_days():
    assert formatting.percent("0.456") == f"46{NBSP}%"
    assert formatting.percent(None) == "—"
    assert formatting.day(date(2027, 3, 1)) == f"1er{NBSP}mars 2027"
    assert formatting.day("2027-03-12") == f"12{NBSP}mars 2027"
    # An aware time is read on the Paris clock: 23:30 UTC on 31 March is 1 April there.
    late = datetime(2027, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert formatting.day(late) == f"1er{NBSP}avril 2027"
    assert formatting.month(date(2027, 3, 9)) == "mars 2027"
    assert formatting.day(None) == formatting.month("pas une date") == "—"


def test_filters_print_through_the_module():
    rendered = Template(
        "{% load formatting %}{{ a|euros }}|{{ n|number:0 }}|{{ s|percent }}|{{ d|day }}"
        "|{{ neg|absolute|euros }}"
    ).render(Context({"a": Decimal("12500"), "n": 1939077.4, "s": 0.25,
                      "d": date(2027, 3, 9), "neg": Decimal("-4999.75")}))
    assert rendered == (f"12{NNBSP}500{NBSP}€|1{NNBSP}939{NNBSP}077|25{NBSP}%|9{NBSP}mars 2027"
                        f"|4{NNBSP}999,75{NBSP}€")


def test_engagement_amounts_read_in_french(client, member_a, facilitator, cluster,
                                            territory_a, django_assert_max_num_queries):
    company = Actor.objects.create(territory=territory_a, name="Les Paniers de l'Huveaune",
                                   kind=Actor.Kind.PME, is_published=True)
    engagement_save(engagement=Engagement(cluster=cluster), by=facilitator, fields={
        "company": company, "kind": "mecenat_financier", "size": "",
        "value": Decimal("1234567.5")})
    client.force_login(member_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("engagement_list", args=[cluster.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert f"1{NNBSP}234{NNBSP}567,50{NBSP}€" in text
    assert "floatformat" not in text and "1234567" not in text


def _trail(response):
    """Return the breadcrumb's (label, link) pairs as the page shows them."""
    nav = re.search(r'<nav aria-label="Fil d(?:\'|&#x27;)Ariane">(.*?)</nav>',
                    response.content.decode(), re.S)
    assert nav, "the page has no breadcrumb"
    items = re.findall(r'<li class="breadcrumb-item( active" aria-current="page)?">(.*?)</li>',
                       nav.group(1), re.S)
    pairs = []
    for current, inner in items:
        link = re.match(r'<a href="([^"]*)">(.*)</a>', inner)
        pairs.append((link.group(2), link.group(1)) if link else (inner.strip(), None))
        assert bool(current) == (link is None)
    return pairs


def test_step_pages_show_the_trail_from_the_view(client, facilitator, cluster):
    step = cluster.steps.get(number=2)
    client.force_login(facilitator)
    response = client.get(reverse("step_detail", args=[cluster.pk, step.pk]))
    dashboard = reverse("cluster_dashboard", args=[cluster.pk])
    assert _trail(response) == [("Clusters", reverse("cluster_list")),
                                (cluster.territory.name, dashboard), (str(step), None)]
    response = client.get(reverse("milestone_create", args=[cluster.pk, step.pk]))
    assert _trail(response) == [
        (cluster.territory.name, dashboard),
        (str(step), reverse("step_detail", args=[cluster.pk, step.pk])), ("Nouveau jalon", None)]
    assert page_text(response).count("aria-current") == 1


def test_a_confirm_page_asks_then_does(client, facilitator, member_a, cluster,
                                       django_assert_max_num_queries):
    step = cluster.steps.get(number=2)
    milestone = Milestone.objects.create(step=step, title="Premier atelier",
                                         due_date=date(2027, 4, 1))
    url = reverse("milestone_delete", args=[cluster.pk, milestone.pk])
    client.force_login(member_a)
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    text = page_text(response)
    assert response.status_code == 200
    assert '<h1 class="h2">Supprimer ce jalon ?</h1>' in text
    assert "Le jalon « Premier atelier » (échéance le 1 avril 2027)" in text
    assert '<form method="post">' in text and 'name="csrfmiddlewaretoken"' in text
    assert '<button type="submit" class="btn btn-danger">Supprimer le jalon</button>' in text
    assert f'href="{reverse("step_detail", args=[cluster.pk, step.pk])}">Annuler</a>' in text
    assert _trail(response)[-1] == ("Supprimer un jalon", None)
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize(("url_name", "most", "section", "section_url", "current"), [
    ("projects:create", 12, "Projets", "projects:board", "Nouveau projet"),
    ("projects:community_meeting_create", 6, "Communauté", "projects:community", "Nouvelle"),
    ("funding:plan_create", 7, "Plans de financement", "funding:plan_list", "Nouveau plan"),
])
def test_forms_say_what_is_missing_without_querying_in_the_template(
        client, facilitator, cluster, url_name, most, section, section_url, current,
        django_assert_max_num_queries):
    """A new cluster has no défi, no actor, no community: the forms say so (the view
    checks, the template only reads its answer), under the trail of their section."""
    client.force_login(facilitator)
    with django_assert_max_num_queries(most):
        response = client.get(reverse(url_name, args=[cluster.pk]))
    assert response.status_code == 200
    trail = _trail(response)
    assert trail[:3] == [("Clusters", reverse("cluster_list")),
                         (cluster.territory.name, reverse("cluster_dashboard", args=[cluster.pk])),
                         (section, reverse(section_url, args=[cluster.pk]))]
    assert trail[-1] == (current, None)
    if url_name == "projects:create":
        text = page_text(response)
        assert "Ce cluster n'a pas encore de défi" in text
