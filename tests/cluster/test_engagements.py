"""Engaged companies: the list and its totals, the form, the history, the API."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cluster.errors import DomainError
from cluster.models import Engagement
from cluster.services import engagement_save
from territories.models import Actor
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff"]


@pytest.fixture
def pme(territory_a):
    return Actor.objects.create(territory=territory_a, name="Les Paniers de l'Huveaune",
                                kind=Actor.Kind.PME, is_published=True)


@pytest.fixture
def association(territory_a):
    return Actor.objects.create(territory=territory_a, name="Arbres en ville",
                                kind=Actor.Kind.ASSOCIATION, is_published=True)


@pytest.fixture
def engagement(cluster, pme, facilitator):
    return engagement_save(engagement=Engagement(cluster=cluster), by=facilitator, fields={
        "company": pme, "kind": Engagement.Kind.PURCHASING, "value": Decimal(1000)})


def form_data(company, **extra):
    return {"company": company.pk, "kind": "mecenat_competences", "size": "", "value": "",
            "start_date": "", "description": "", **extra}


# The rules -----------------------------------------------------------------------------------

def test_size_defaults_from_the_actor_kind(engagement):
    assert engagement.size == Engagement.Size.PME


def test_a_non_company_actor_is_allowed_with_its_size_given(cluster, association, facilitator):
    with pytest.raises(DomainError, match="Indiquez la taille de l'entreprise"):
        engagement_save(engagement=Engagement(cluster=cluster), by=facilitator,
                        fields={"company": association, "kind": "partenariat"})
    engagement = engagement_save(engagement=Engagement(cluster=cluster), by=facilitator,
                                 fields={"company": association, "kind": "partenariat",
                                         "size": "tpe"})
    assert engagement.size == "tpe"


def test_the_company_must_be_an_actor_of_the_clusters_territory(cluster, territory_b,
                                                                 facilitator):
    elsewhere = Actor.objects.create(territory=territory_b, name="Ailleurs SA",
                                     kind=Actor.Kind.PME)
    with pytest.raises(DomainError, match="acteur du territoire du cluster"):
        engagement_save(engagement=Engagement(cluster=cluster), by=facilitator,
                        fields={"company": elsewhere, "kind": "partenariat"})
    assert not Engagement.objects.exists()


def test_a_negative_value_is_refused_by_the_service(cluster, pme, facilitator):
    with pytest.raises(DomainError, match="ne peut pas être négative"):
        engagement_save(engagement=Engagement(cluster=cluster), by=facilitator,
                        fields={"company": pme, "kind": "partenariat", "value": Decimal(-1)})


# Pages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("role", "read", "write"),
    [("facilitator", 200, 200), ("member_a", 200, 403), ("member_b", 404, 404),
     ("reviewer", 404, 404), ("staff", 200, 200)],
)
def test_every_page_checks_the_role(client, cast, engagement, pme, role, read, write):
    cluster = engagement.cluster
    client.force_login(cast[role])
    assert client.get(reverse("engagement_list", args=[cluster.pk])).status_code == read
    for url in [reverse("engagement_create", args=[cluster.pk]),
                reverse("engagement_update", args=[cluster.pk, engagement.pk]),
                reverse("engagement_delete", args=[cluster.pk, engagement.pk])]:
        assert client.get(url).status_code == write, url
    client.post(reverse("engagement_create", args=[cluster.pk]),
                form_data(pme, kind="mentorat", value="500"))
    client.post(reverse("engagement_update", args=[cluster.pk, engagement.pk]),
                form_data(pme, kind="achat_responsable", value="9999"))
    client.post(reverse("engagement_delete", args=[cluster.pk, engagement.pk]))
    allowed = write == 200
    assert Engagement.objects.filter(kind="mentorat").exists() is allowed
    assert Engagement.objects.filter(pk=engagement.pk).exists() is not allowed


def test_anonymous_is_sent_to_sign_in(client, cluster):
    for url in [reverse("engagement_list", args=[cluster.pk]),
                reverse("engagement_create", args=[cluster.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_the_select_offers_companies_first_but_any_actor_of_the_territory(
        client, facilitator, cluster, pme, association, territory_b):
    Actor.objects.create(territory=territory_b, name="Ailleurs SA", kind=Actor.Kind.PME)
    client.force_login(facilitator)
    page = page_text(client.get(reverse("engagement_create", args=[cluster.pk])))
    assert page.index('optgroup label="Entreprises"') < page.index("Les Paniers de l'Huveaune") \
        < page.index('optgroup label="Autres acteurs du territoire"') < page.index(
        "Arbres en ville")
    assert "Ailleurs SA" not in page
    response = client.post(reverse("engagement_create", args=[cluster.pk]),
                           form_data(association, size="tpe", value="1 500,50"))
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert (engagement.company, engagement.size, engagement.value) == (
        association, "tpe", Decimal("1500.50"))


def test_size_is_taken_from_the_company_when_left_empty(client, facilitator, cluster, pme):
    client.force_login(facilitator)
    client.post(reverse("engagement_create", args=[cluster.pk]), form_data(pme))
    assert Engagement.objects.get().size == "pme"


@pytest.mark.parametrize(("value", "message"), [
    ("-200", "La valeur ne peut pas être négative."),
    ("beaucoup", "Saisissez un montant en euros, en chiffres"),
    ("12,345", "Assurez-vous qu’il n’y a pas plus de 2 chiffres après la virgule."),
])
def test_bad_values_are_refused_in_french_and_nothing_is_written(client, facilitator, cluster,
                                                                  pme, value, message):
    client.force_login(facilitator)
    response = client.post(reverse("engagement_create", args=[cluster.pk]),
                           form_data(pme, value=value))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Engagement.objects.exists()


def test_other_bad_inputs(client, facilitator, cluster, pme, association, territory_b):
    client.force_login(facilitator)
    url = reverse("engagement_create", args=[cluster.pk])
    elsewhere = Actor.objects.create(territory=territory_b, name="Ailleurs SA",
                                     kind=Actor.Kind.PME)
    outside = client.post(url, form_data(elsewhere))
    assert outside.status_code == 400
    assert "Sélectionnez un choix valide" in page_text(outside)
    no_size = client.post(url, form_data(association))
    assert "Indiquez la taille de l'entreprise" in page_text(no_size)
    no_kind = client.post(url, form_data(pme, kind=""))
    assert "Ce champ est obligatoire." in page_text(no_kind)
    assert not Engagement.objects.exists()


def test_list_shows_totals_by_kind_and_counts_by_size(client, member_a, cluster, pme,
                                                      association, facilitator):
    for company, kind, value, size in [(pme, "achat_responsable", "18000", ""),
                                       (pme, "mecenat_financier", "2500.5", ""),
                                       (association, "achat_responsable", "1000", "tpe"),
                                       (association, "mentorat", None, "tpe")]:
        engagement_save(engagement=Engagement(cluster=cluster), by=facilitator, fields={
            "company": company, "kind": kind, "size": size,
            "value": Decimal(value) if value else None})
    client.force_login(member_a)
    response = client.get(reverse("engagement_list", args=[cluster.pk]))
    by_kind = {row["label"]: (row["count"], row["total"]) for row in response.context["by_kind"]}
    assert by_kind == {"achat responsable": (2, Decimal(19000)),
                       "mécénat financier": (1, Decimal("2500.50")), "mentorat": (1, None)}
    assert {row["label"]: row["count"] for row in response.context["by_size"]} == {
        "TPE": 2, "PME": 2, "ETI": 0, "grand groupe": 0}
    text = page_text(response)
    assert "21\u202f500,50\xa0€" in text  # cluster.formatting.euros
    assert "Ajouter un engagement" not in text  # a member reads


def test_empty_list_says_what_to_do(client, facilitator, cluster):
    client.force_login(facilitator)
    text = page_text(client.get(reverse("engagement_list", args=[cluster.pk])))
    assert "Aucune entreprise engagée pour l'instant." in text
    assert "ajoutez le premier engagement" in text


def test_list_is_paginated_with_a_constant_number_of_queries(client, facilitator, cluster,
                                                             territory_a,
                                                             django_assert_max_num_queries):
    def grow(count):
        for n in range(count):
            company = Actor.objects.create(territory=territory_a, name=f"Entreprise {n:03d}",
                                           kind=Actor.Kind.TPE)
            Engagement.objects.create(cluster=cluster, company=company, size="tpe",
                                      kind="partenariat", value=n)

    client.force_login(facilitator)
    url = reverse("engagement_list", args=[cluster.pk])
    grow(2)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    grow(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].paginator.num_pages == 3


def test_the_edit_page_shows_who_changed_what_and_when(client, facilitator, engagement, pme):
    client.force_login(facilitator)
    url = reverse("engagement_update", args=[engagement.cluster_id, engagement.pk])
    client.post(url, form_data(pme, kind="achat_responsable", value="2000",
                               start_date="2026-02-01"))
    text = page_text(client.get(url))
    assert "Camille Martin : modification" in text
    assert "Valeur (€) : 1\u202f000 → 2\u202f000" in text  # cluster.formatting.number
    assert "Depuis le : — → 01/02/2026" in text
    assert "Camille Martin : création" in text


def test_edit_page_history_keeps_a_constant_number_of_queries(
        client, facilitator, engagement, pme, association, django_assert_max_num_queries):
    client.force_login(facilitator)
    url = reverse("engagement_update", args=[engagement.cluster_id, engagement.pk])
    client.post(url, form_data(association, size="tpe", kind="partenariat", value="5"))
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    baseline = len(few.captured_queries)  # the next requests reset Django's query log
    for n in range(8):
        company = pme if n % 2 else association
        client.post(url, form_data(company, size="tpe", kind="partenariat", value=str(n)))
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert len(response.context["history"]) == 10
    assert "Entreprise : Arbres en ville → Les Paniers de l'Huveaune" in page_text(response)


def test_delete_asks_for_confirmation_then_deletes(client, facilitator, engagement):
    client.force_login(facilitator)
    url = reverse("engagement_delete", args=[engagement.cluster_id, engagement.pk])
    confirm = client.get(url)
    assert "Supprimer l'engagement de « Les Paniers de l'Huveaune » ?" in page_text(confirm)
    assert Engagement.objects.exists()
    response = client.post(url, follow=True)
    assert "L'engagement de « Les Paniers de l'Huveaune » est supprimé." in page_text(response)
    assert not Engagement.objects.exists()
    assert engagement.history.first().history_type == "-"
    assert engagement.history.first().history_user == facilitator


def test_another_clusters_engagement_is_not_found(client, facilitator, territory_b, cluster):
    cluster_b = territory_b.clusters.get()
    company = Actor.objects.create(territory=territory_b, name="Ailleurs SA",
                                   kind=Actor.Kind.PME)
    other = Engagement.objects.create(cluster=cluster_b, company=company, size="pme",
                                      kind="partenariat")
    client.force_login(facilitator)
    assert client.get(reverse("engagement_update", args=[cluster.pk, other.pk])) \
        .status_code == 404


# API -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("role", "seen", "create", "change"),
    [("facilitator", 1, 201, 200), ("member_a", 1, 403, 403), ("member_b", 0, 403, 404),
     ("reviewer", 0, 403, 404), ("staff", 1, 201, 200)],
)
def test_api_checks_every_role(client, cast, engagement, pme, role, seen, create, change):
    client.force_login(cast[role])
    listing = client.get("/api/engagements/")
    assert listing.status_code == 200
    assert listing.json()["count"] == seen
    created = client.post("/api/engagements/", {
        "cluster": engagement.cluster_id, "company": pme.pk, "kind": "mentorat"},
        content_type="application/json")
    assert created.status_code == create
    if create == 201:
        assert created.json()["size"] == "pme"
        assert created.json()["company_name"] == "Les Paniers de l'Huveaune"
    else:
        assert set(created.json()) == {"detail", "code"}
    url = f"/api/engagements/{engagement.pk}/"
    changed = client.patch(url, {"value": "2500.00"}, content_type="application/json")
    assert changed.status_code == change
    engagement.refresh_from_db()
    assert (engagement.value == Decimal(2500)) is (change == 200)
    assert client.delete(url).status_code == (204 if change == 200 else change)


def test_api_anonymous_is_refused(client, engagement):
    response = client.get("/api/engagements/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail", "code"}


def test_api_bad_inputs(client, facilitator, engagement, pme, association, territory_b):
    client.force_login(facilitator)
    base = {"cluster": engagement.cluster_id, "company": pme.pk, "kind": "mentorat"}
    negative = client.post("/api/engagements/", {**base, "value": "-10"},
                           content_type="application/json")
    assert negative.status_code == 400
    body = negative.json()
    assert (body["detail"], body["code"]) == ("Les données envoyées ne sont pas valides.",
                                              "invalid")
    assert body["errors"]["value"] == ["La valeur ne peut pas être négative."]
    word = client.post("/api/engagements/", {**base, "value": "dix"},
                       content_type="application/json")
    assert word.status_code == 400 and "value" in word.json()["errors"]
    elsewhere = Actor.objects.create(territory=territory_b, name="Ailleurs SA",
                                     kind=Actor.Kind.PME)
    outside = client.post("/api/engagements/", {**base, "company": elsewhere.pk},
                          content_type="application/json")
    assert outside.status_code == 400
    assert outside.json() == {"detail": "L'entreprise doit être un acteur du territoire du "
                                        "cluster.", "code": "company_outside_territory"}
    no_size = client.post("/api/engagements/", {**base, "company": association.pk},
                          content_type="application/json")
    assert no_size.json()["code"] == "size_required"
    moved = client.patch(f"/api/engagements/{engagement.pk}/",
                         {"cluster": territory_b.clusters.get().pk},
                         content_type="application/json")
    assert moved.status_code == 400
    assert Engagement.objects.count() == 1


def test_api_filters_by_cluster_and_keeps_a_constant_number_of_queries(
        client, staff, cluster, territory_a, territory_b, django_assert_max_num_queries):
    def grow(count):
        for n in range(count):
            company = Actor.objects.create(territory=territory_a, name=f"Entreprise {n}",
                                           kind=Actor.Kind.ETI)
            Engagement.objects.create(cluster=cluster, company=company, size="eti",
                                      kind="investissement", value=n)

    other = Actor.objects.create(territory=territory_b, name="Ailleurs SA", kind=Actor.Kind.PME)
    Engagement.objects.create(cluster=territory_b.clusters.get(), company=other, size="pme",
                              kind="partenariat")
    client.force_login(staff)
    grow(2)
    with django_assert_max_num_queries(8) as few:
        client.get(f"/api/engagements/?cluster={cluster.pk}")
    grow(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/api/engagements/?cluster={cluster.pk}")
    assert response.json()["count"] == 32
    assert len(response.json()["results"]) == 25
    assert client.get("/api/engagements/?kind=partenariat").json()["count"] == 1


def test_openapi_documents_the_engagements_and_the_comites(client, openapi_schema):
    schema = openapi_schema
    for path in ["/api/engagements/", "/api/engagements/{id}/", "/api/comites/",
                 "/api/comites/{id}/"]:
        assert path in schema["paths"], path
    assert schema["paths"]["/api/engagements/"]["post"]["summary"] == \
        "Ajouter l'engagement d'une entreprise"
    assert "cluster" in {p["name"] for p in schema["paths"]["/api/comites/"]["get"]["parameters"]}


def test_engagement_history_is_kept_with_who_did_it_through_the_api(client, staff, engagement):
    client.force_login(staff)
    client.patch(f"/api/engagements/{engagement.pk}/", {"description": "Deux saisons"},
                 content_type="application/json")
    assert engagement.history.first().history_user == staff
    assert engagement.history.count() == 2



# History on the other pages ------------------------------------------------------------------

def test_challenge_page_shows_who_changed_what(client, facilitator, cluster):
    from cluster.models import Challenge
    from territories.models import Theme

    theme, _ = Theme.objects.get_or_create(slug="agriculture-urbaine",
                                           defaults={"name": "Agriculture urbaine"})
    client.force_login(facilitator)
    client.post(reverse("challenge_create", args=[cluster.pk]),
                {"title": "Cultiver", "kind": "autre"})
    challenge = Challenge.objects.get()
    url = reverse("challenge_update", args=[cluster.pk, challenge.pk])
    client.post(url, {"title": "Cultiver Marseille", "kind": "environnemental",
                      "theme": theme.pk, "summary": ""})
    text = page_text(client.get(url))
    assert "Camille Martin : modification" in text
    assert "Intitulé : Cultiver → Cultiver Marseille" in text
    assert "Nature : autre → environnemental" in text
    assert "Thème : — → Agriculture urbaine" in text
    assert "Camille Martin : création" in text


def test_step_page_shows_who_changed_what_in_constant_queries(client, facilitator, cluster,
                                                              django_assert_max_num_queries):
    step = cluster.steps.first()
    client.force_login(facilitator)
    url = reverse("step_detail", args=[cluster.pk, step.pk])
    edit_url = reverse("step_edit", args=[cluster.pk, step.pk])
    client.post(edit_url, {"start_date": step.start_date.isoformat(),
                           "end_date": step.end_date.isoformat(), "status": "doing"})
    text = page_text(client.get(url))
    assert "Camille Martin : modification" in text
    assert "État : à venir → en cours" in text
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    # Finishing the step closes its open milestones, as the facilitator confirms.
    for status in ["done", "todo"] * 6:
        client.post(edit_url, {"start_date": step.start_date.isoformat(),
                               "end_date": step.end_date.isoformat(), "status": status,
                               "close_milestones": "on"})
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert len(response.context["history"]) == 10


def test_objective_page_shows_the_changed_fields(client, facilitator, cluster):
    from datetime import date

    from cluster.models import Challenge, Objective

    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille")
    objective = Objective.objects.create(challenge=challenge, title="Surfaces", unit="ha",
                                         baseline=12, target=40, target_date=date(2029, 6, 1))
    client.force_login(facilitator)
    client.post(reverse("objective_update", args=[cluster.pk, objective.pk]), {
        "title": "Surfaces", "unit": "ha", "baseline": "12", "target": "45",
        "direction": "increase", "target_date": "2029-06-01", "version": "1"})
    text = page_text(client.get(reverse("objective_detail", args=[cluster.pk, objective.pk])))
    assert "Cible : 40 → 45" in text
    assert "Version" not in text
