"""Two people edit the same funding plan: the second save never erases the first.

The plan carries the version it was read at (a hidden input, or `version` in the API);
a save made from an outdated version is refused with what changed since.
"""

import pytest
from django.urls import reverse

from funding.services import budget_line_save
from tests.editing import form_data, signed_in
from tests.funding.factories import FundingPlanFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cluster):
    return FundingPlanFactory(cluster=cluster, title="Plan du cluster", first_year=2026,
                              last_year=2028)


def test_the_second_save_of_a_plan_is_refused_and_the_first_is_kept(plan, cluster,
                                                                     facilitator, staff):
    url = reverse("funding:plan_update", args=[cluster.pk, plan.pk])
    first, second = signed_in(facilitator), signed_in(staff)
    camille, coordination = form_data(first.get(url)), form_data(second.get(url))

    assert first.post(url, {**camille, "last_year": "2029"}).status_code == 302
    response = second.post(url, {**coordination, "title": "Plan 2026-2028"})

    assert response.status_code == 409
    text = page_text(response)
    assert "Quelqu'un a modifié ce plan de financement" in text
    assert "Dernière année vaut maintenant : 2029" in text
    assert "Intitulé vaut maintenant" not in text
    plan.refresh_from_db()
    assert plan.last_year == 2029 and plan.title == "Plan du cluster" and plan.version == 2


def test_a_budget_line_does_not_make_the_plan_page_stale(plan, cluster, facilitator):
    url = reverse("funding:plan_update", args=[cluster.pk, plan.pk])
    client = signed_in(facilitator)
    data = form_data(client.get(url))
    budget_line_save(line=plan.lines.model(plan=plan), by=facilitator,
                     fields={"label": "Animation", "year": 2026, "amount": "12000"})
    assert client.post(url, {**data, "title": "Plan 2026-2028"}).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Plan 2026-2028"


def test_the_api_refuses_the_second_change_of_a_plan(plan, facilitator, staff):
    url = reverse("api:plan-detail", args=[plan.pk])
    first, second = signed_in(facilitator), signed_in(staff)
    read = second.get(url).json()["version"]
    assert read == 1
    changed = first.patch(url, {"last_year": 2029, "version": read},
                          content_type="application/json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    refused = second.patch(url, {"title": "Autre intitulé", "version": read},
                           content_type="application/json")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Quelqu'un a modifié ce plan de financement pendant que vous le modifiiez : "
                  "relisez sa version actuelle, puis refaites vos changements.",
        "code": "edit_conflict"}
    plan.refresh_from_db()
    assert plan.last_year == 2029 and plan.title == "Plan du cluster" and plan.version == 2


@pytest.mark.parametrize("version", ["v1", 0, None, 2**40])
def test_a_broken_plan_version_is_a_400(client, facilitator, plan, cluster, version):
    client.force_login(facilitator)
    response = client.patch(reverse("api:plan-detail", args=[plan.pk]),
                            {"title": "Autre", "version": version},
                            content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()["errors"]
    url = reverse("funding:plan_update", args=[cluster.pk, plan.pk])
    page = client.post(url, {**form_data(client.get(url)), "title": "Autre",
                             "version": "" if version is None else str(version)})
    if version is None:  # no version at all: saved unchecked, as the objectives always were
        assert page.status_code == 302
    else:
        assert page.status_code == 400
        assert "Le formulaire est incomplet : rechargez la page" in page_text(page)
    plan.refresh_from_db()
    assert plan.title == ("Autre" if version is None else "Plan du cluster")


def test_a_new_plan_starts_at_version_one(client, facilitator, cluster):
    client.force_login(facilitator)
    response = client.post(reverse("api:plan-list"), {
        "cluster": cluster.pk, "title": "Plan", "first_year": 2026, "last_year": 2027,
        "version": 12}, content_type="application/json")
    assert response.status_code == 201 and response.json()["version"] == 1
