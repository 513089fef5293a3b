"""Dossiers, the collective's side: start, edit together, checklist, submit, statuses, API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import (
    Challenge,
    CollectiveActor,
    Engagement,
    Measurement,
    Membership,
    Objective,
)
from cluster.services import api_token_create
from funding.models import Call, Dossier, DossierEvent
from funding.selectors import dossier_checklist
from funding.services import (
    DOSSIER_TRANSITIONS,
    conflict_declare,
    dossier_request_more_info,
    dossier_resubmit,
    dossier_save,
    dossier_start,
    dossier_start_review,
    dossier_submit,
    dossier_transition,
)
from tests.funding.factories import (
    LONG_PLAN,
    CallFactory,
    DossierFactory,
    FunderMemberFactory,
    make_complete,
)
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff"]


@pytest.fixture
def label_call():
    return Call.objects.get(slug="territoire-french-impact")


@pytest.fixture
def funding_call(funder):
    return CallFactory(funder=funder, title="Fonds pour l'innovation sociale",
                       max_amount=Decimal(50000))


@pytest.fixture
def draft(label_call, cluster, facilitator):
    return dossier_start(call=label_call, cluster=cluster, by=facilitator,
                         title="Dossier du label pour Marseille")


@pytest.fixture
def complete(draft, cluster):
    make_complete(cluster)
    draft.strategic_plan = LONG_PLAN
    draft.save()
    return draft


@pytest.fixture
def submitted(complete, facilitator, committed):
    with committed():
        return dossier_submit(dossier=complete, by=facilitator)


# Starting a dossier ------------------------------------------------------------------------

def test_a_facilitator_starts_a_dossier_for_a_call_from_the_cluster(client, facilitator,
                                                                     cluster, label_call):
    client.force_login(facilitator)
    url = reverse("funding:dossier_create", args=[cluster.pk]) + f"?appel={label_call.slug}"
    page = client.get(url)
    assert page.status_code == 200 and "Territoire French Impact" in page_text(page)
    response = client.post(url, {"title": ""})
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:dossier_edit", args=[dossier.pk])
    assert (dossier.call, dossier.cluster, dossier.created_by) == (label_call, cluster,
                                                                   facilitator)
    assert dossier.title == "Territoire French Impact — Aix-Marseille-Provence"
    assert dossier.status == Dossier.Status.DRAFT
    # Asked again, the page leads to the existing dossier instead of a second one.
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == dossier.get_absolute_url()
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 403), ("member_b", 404), ("reviewer", 404),
    ("staff", 200)])
def test_only_facilitators_and_staff_start_a_dossier(client, cast, cluster, label_call, role,
                                                      expected):
    as_role(client, cast, role)
    url = reverse("funding:dossier_create", args=[cluster.pk]) + f"?appel={label_call.slug}"
    assert client.get(url).status_code == expected
    assert client.post(url, {"title": "Essai"}).status_code == (302 if expected == 200
                                                                 else expected)
    assert Dossier.objects.count() == (1 if expected == 200 else 0)


def test_anonymous_visitors_are_sent_to_sign_in(client, cluster, draft):
    for url in [reverse("funding:dossier_list", args=[cluster.pk]),
                reverse("funding:dossier_create", args=[cluster.pk]) + "?appel=x",
                draft.get_absolute_url(), reverse("funding:dossier_edit", args=[draft.pk]),
                reverse("funding:dossier_submit", args=[draft.pk]),
                reverse("funding:dossier_pdf", args=[draft.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_a_closed_call_or_an_unknown_one_starts_nothing(client, facilitator, cluster, funder):
    now = timezone.now()
    closed = CallFactory(funder=funder, opens_at=now - timedelta(days=60),
                         deadline=now - timedelta(days=1))
    client.force_login(facilitator)
    base = reverse("funding:dossier_create", args=[cluster.pk])
    response = client.post(f"{base}?appel={closed.slug}", {"title": ""})
    assert response.status_code == 400
    assert "Cet appel est clos" in page_text(response)
    assert client.get(f"{base}?appel=inconnu").status_code == 404
    assert client.get(base).status_code == 404
    assert not Dossier.objects.exists()


def test_one_dossier_per_call_and_cluster(draft, label_call, cluster, facilitator):
    with pytest.raises(DomainError, match="déjà un dossier pour cet appel") as error:
        dossier_start(call=label_call, cluster=cluster, by=facilitator)
    assert error.value.status == 409


# Reading and listing -----------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 404),
    ("staff", 200)])
def test_a_draft_is_read_by_its_collective_and_staff_only(client, cast, draft, role,
                                                          expected):
    as_role(client, cast, role)
    assert client.get(draft.get_absolute_url()).status_code == expected
    assert client.get(reverse("funding:dossier_list", args=[draft.cluster_id])).status_code \
        == (404 if role in ("member_b", "reviewer") else 200)


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 200),
    ("staff", 200)])
def test_a_submitted_dossier_is_also_read_by_the_funders_reviewers(client, cast, submitted,
                                                                   role, expected):
    # Reviewers declare their conflicts of interest first (tests/funding/test_reviews.py).
    conflict_declare(dossier=submitted, reviewer=cast["reviewer"], has_conflict=False)
    as_role(client, cast, role)
    assert client.get(submitted.get_absolute_url()).status_code == expected


def test_reviewers_of_another_funder_never_see_the_dossier(client, submitted):
    other = FunderMemberFactory(user__email="autre.instructeur@exemple.fr").user
    client.force_login(other)
    assert client.get(submitted.get_absolute_url()).status_code == 404
    assert client.get(reverse("funding:dossier_pdf", args=[submitted.pk])).status_code == 404


def test_the_cluster_dossier_list_shows_the_dossiers_and_the_open_calls(
        client, facilitator, member_a, draft, funding_call, cluster):
    client.force_login(facilitator)
    response = client.get(reverse("funding:dossier_list", args=[cluster.pk]))
    text = page_text(response)
    assert "Dossier du label pour Marseille" in text and "Brouillon" in text
    assert response.context["open_calls"] == [funding_call]
    assert "Préparer un dossier" in text
    client.force_login(member_a)
    assert "Préparer un dossier" not in page_text(
        client.get(reverse("funding:dossier_list", args=[cluster.pk])))


def test_the_dossier_list_has_an_empty_state_and_constant_queries(
        client, facilitator, cluster, funder, django_assert_max_num_queries):
    client.force_login(facilitator)
    url = reverse("funding:dossier_list", args=[cluster.pk])
    assert "Aucun dossier pour l'instant" in page_text(client.get(url))
    with django_assert_max_num_queries(8):
        client.get(url)
    for _number in range(25):
        DossierFactory(cluster=cluster, call=CallFactory(funder=funder))
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.context["page"].paginator.count == 25


def test_the_dashboard_links_to_the_dossiers(client, facilitator, cluster):
    client.force_login(facilitator)
    response = client.get(reverse("cluster_dashboard", args=[cluster.pk]))
    assert reverse("funding:dossier_list", args=[cluster.pk]) in response.content.decode()


# Editing together -------------------------------------------------------------------------

def edit_data(dossier, **overrides):
    return {"title": dossier.title, "summary": "Notre projet", "strategic_plan": LONG_PLAN,
            "requested_amount": "", "version": str(dossier.version), **overrides}


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 302), ("member_a", 302), ("member_b", 404), ("reviewer", 404),
    ("staff", 302)])
def test_every_member_of_the_collective_edits_the_draft(client, cast, draft, role, expected):
    as_role(client, cast, role)
    url = reverse("funding:dossier_edit", args=[draft.pk])
    assert client.get(url).status_code == (200 if expected == 302 else expected)
    response = client.post(url, edit_data(draft, summary=f"Écrit par {role}"))
    assert response.status_code == expected
    draft.refresh_from_db()
    assert (draft.summary == f"Écrit par {role}") == (expected == 302)


def test_a_second_save_from_an_old_version_is_refused_never_overwritten(client, facilitator,
                                                                        member_a, draft):
    url = reverse("funding:dossier_edit", args=[draft.pk])
    client.force_login(facilitator)
    assert client.post(url, edit_data(draft, summary="Version de Camille")).status_code == 302
    client.force_login(member_a)
    response = client.post(url, edit_data(draft, summary="Version de Karim"))  # version 1
    assert response.status_code == 400
    assert "Quelqu'un a modifié ce dossier pendant que vous le modifiiez" in page_text(response)
    draft.refresh_from_db()
    assert draft.summary == "Version de Camille" and draft.version == 2


def test_the_service_refuses_a_stale_version(draft):
    first, second = Dossier.objects.get(pk=draft.pk), Dossier.objects.get(pk=draft.pk)
    dossier_save(dossier=first, fields={"summary": "A"}, version=first.version)
    with pytest.raises(DomainError, match="Quelqu'un a modifié ce dossier") as error:
        dossier_save(dossier=second, fields={"summary": "B"}, version=second.version)
    assert error.value.status == 409


@pytest.mark.parametrize(("amount", "message"), [
    ("60000", "dépasse le maximum de l'appel : 50 000 € au plus"),
    ("-5", "ne peut pas être négatif"),
    ("beaucoup", "Indiquez un montant en euros"),
])
def test_bad_amounts_are_refused_with_a_french_message(client, facilitator, funding_call,
                                                       cluster, amount, message):
    dossier = dossier_start(call=funding_call, cluster=cluster, by=facilitator)
    client.force_login(facilitator)
    response = client.post(reverse("funding:dossier_edit", args=[dossier.pk]),
                           edit_data(dossier, requested_amount=amount, summary="Changé"))
    assert response.status_code == 400
    assert message in page_text(response).replace("\u00a0", " ")
    dossier.refresh_from_db()
    assert dossier.requested_amount is None and dossier.summary == "" and dossier.version == 1


def test_an_amount_typed_the_french_way_is_read(client, facilitator, funding_call, cluster):
    dossier = dossier_start(call=funding_call, cluster=cluster, by=facilitator)
    client.force_login(facilitator)
    client.post(reverse("funding:dossier_edit", args=[dossier.pk]),
                edit_data(dossier, requested_amount="12500,50"))
    dossier.refresh_from_db()
    assert dossier.requested_amount == Decimal("12500.50")


def test_an_empty_title_or_a_missing_version_is_refused(client, facilitator, draft):
    client.force_login(facilitator)
    url = reverse("funding:dossier_edit", args=[draft.pk])
    response = client.post(url, edit_data(draft, title=""))
    assert response.status_code == 400
    response = client.post(url, {**edit_data(draft), "version": ""})
    assert response.status_code == 400 and "rechargez la page" in page_text(response)
    draft.refresh_from_db()
    assert draft.title == "Dossier du label pour Marseille" and draft.version == 1


def test_a_submitted_dossier_no_longer_changes(client, facilitator, submitted):
    client.force_login(facilitator)
    url = reverse("funding:dossier_edit", args=[submitted.pk])
    response = client.post(url, edit_data(submitted, title="Autre titre"))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.title == "Dossier du label pour Marseille"
    with pytest.raises(DomainError, match="déposé : il ne se modifie plus"):
        dossier_save(dossier=submitted, fields={"title": "x"}, version=submitted.version)


def test_reviewers_never_edit_a_dossier(client, reviewer, submitted):
    client.force_login(reviewer)
    url = reverse("funding:dossier_edit", args=[submitted.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(submitted, title="Piraté")).status_code == 403


# Completeness checklist ----------------------------------------------------------------

def checklist_of(dossier):
    dossier = Dossier.objects.select_related("call__funder", "cluster__collective",
                                             "cluster__territory").get(pk=dossier.pk)
    return {item.key: item for item in dossier_checklist(dossier)}


def test_an_empty_label_dossier_says_what_is_missing(draft):
    items = checklist_of(draft)
    assert list(items) == ["multi_actor", "challenges", "strategic_plan", "cooperation",
                           "engaged_companies"]
    assert not any(item.ok for item in items.values())
    assert items["multi_actor"].message.startswith(
        "Le collectif n'a encore aucun acteur membre : il en faut au moins trois, d'au moins "
        "deux familles")
    assert items["challenges"].message == "Le cluster n'a encore aucun défi : il en faut au " \
                                          "moins trois."
    assert "Le plan stratégique n'est pas encore rédigé" in items["strategic_plan"].message
    assert "Aucun territoire de coopération prioritaire" in items["cooperation"].message
    assert "Aucune entreprise engagée" in items["engaged_companies"].message
    assert items["cooperation"].fix_url == reverse(
        "territories:update", args=[draft.cluster.territory.slug])
    assert items["engaged_companies"].fix_url == reverse("engagement_list",
                                                         args=[draft.cluster_id])


def test_a_complete_label_dossier_ticks_every_item(complete):
    items = checklist_of(complete)
    assert all(item.ok for item in items.values()), items
    assert items["multi_actor"].message == (
        "3 acteurs de 3 familles : collectivité ou acteur public, structure de l'ESS, "
        "entreprise engagée.")


def test_the_label_checklist_rules_one_by_one(complete, cluster):
    # Three actors of one family only: not multi-actor.
    CollectiveActor.objects.filter(collective=cluster.collective).update(family="ess")
    # A défi without a measurable objective.
    Objective.objects.filter(challenge__title="Défi 2").delete()
    items = checklist_of(complete)
    assert not items["multi_actor"].ok
    assert "3 acteurs de 1 famille" in items["multi_actor"].message
    assert not items["challenges"].ok
    assert items["challenges"].message == "Sans objectif mesurable : « Défi 2 »."
    # Lyon was labelled with four défis: more than three is fine.
    Challenge.objects.filter(title="Défi 2").delete()
    for number in (3, 4):
        challenge = Challenge.objects.create(cluster=cluster, title=f"Défi {number}")
        Objective.objects.create(challenge=challenge, title="o", unit="u", baseline=0,
                                 target=1, target_date=date(2029, 1, 1))
    assert checklist_of(complete)["challenges"].ok


def test_a_funding_dossier_needs_texts_an_amount_within_the_maximum_and_a_defi(
        funding_call, cluster, facilitator):
    dossier = dossier_start(call=funding_call, cluster=cluster, by=facilitator)
    items = checklist_of(dossier)
    assert list(items) == ["title", "summary", "requested_amount", "challenges"]
    assert [key for key, item in items.items() if not item.ok] == [
        "summary", "requested_amount", "challenges"]
    assert items["requested_amount"].message == "Indiquez le montant demandé."
    # The maximum may have been lowered since the amount was typed.
    Dossier.objects.filter(pk=dossier.pk).update(summary="Un projet",
                                                 requested_amount=Decimal("80000"))
    assert items and "dépasse le maximum de l'appel" in checklist_of(
        dossier)["requested_amount"].message
    Dossier.objects.filter(pk=dossier.pk).update(requested_amount=Decimal("12000"))
    Challenge.objects.create(cluster=cluster, title="Un défi")
    assert all(item.ok for item in checklist_of(dossier).values())


def test_the_checklist_takes_a_fixed_number_of_queries(draft, cluster,
                                                       django_assert_max_num_queries):
    make_complete(cluster, challenges=3)
    with django_assert_max_num_queries(13):
        checklist_of(draft)
    make_complete(cluster, challenges=12)
    with django_assert_max_num_queries(13):
        checklist_of(draft)


def test_the_page_shows_the_checklist_with_links_to_fix_each_item(client, member_a, draft):
    client.force_login(member_a)
    response = client.get(draft.get_absolute_url())
    text = page_text(response)
    assert "Ce que l'appel demande" in text
    assert "Aucune entreprise engagée" in text
    assert reverse("engagement_list", args=[draft.cluster_id]) in response.content.decode()
    # A member edits but does not submit.
    assert "Modifier le dossier" in text and "Déposer le dossier" not in text


def test_the_dossier_page_takes_a_fixed_number_of_queries(client, facilitator, draft, cluster,
                                                           django_assert_max_num_queries):
    client.force_login(facilitator)
    make_complete(cluster, challenges=3)
    # The person's rights come with the dossier, in its one query (21 when each right asked).
    with django_assert_max_num_queries(18):
        client.get(draft.get_absolute_url())
    make_complete(cluster, challenges=10)
    with django_assert_max_num_queries(18):
        assert client.get(draft.get_absolute_url()).status_code == 200


# Submitting ----------------------------------------------------------------------------

def test_an_incomplete_dossier_is_refused_with_what_is_missing(client, facilitator, draft,
                                                               mailoutbox, committed):
    client.force_login(facilitator)
    url = reverse("funding:dossier_submit", args=[draft.pk])
    page = client.get(url)
    assert "Le dossier est incomplet" in page_text(page)
    with committed():
        response = client.post(url, {"version": draft.version})
    assert response.status_code == 400
    text = page_text(response)
    assert "Le dossier est incomplet. Il manque :" in text
    assert "Des entreprises engagées — Aucune entreprise engagée" in text
    draft.refresh_from_db()
    assert draft.status == Dossier.Status.DRAFT and draft.snapshot is None
    assert not DossierEvent.objects.exists() and mailoutbox == []


def test_a_dossier_after_the_deadline_is_refused_with_the_date(complete, facilitator,
                                                               label_call):
    label_call.opens_at = timezone.make_aware(timezone.datetime(2025, 10, 1))
    label_call.deadline = timezone.make_aware(timezone.datetime(2026, 3, 31, 23, 59))
    label_call.save()
    with pytest.raises(DomainError, match="La date limite de dépôt était le 31 mars 2026 à "
                                          "23:59") as error:
        dossier_submit(dossier=complete, by=facilitator)
    assert error.value.code == "deadline_passed"
    complete.refresh_from_db()
    assert complete.status == Dossier.Status.DRAFT


def test_a_call_not_yet_open_refuses_submissions(complete, facilitator, label_call):
    label_call.opens_at = timezone.now() + timedelta(days=3)
    label_call.save()
    with pytest.raises(DomainError, match="Cet appel ouvre le") as error:
        dossier_submit(dossier=complete, by=facilitator)
    assert error.value.code == "call_not_open"


def test_submitting_freezes_the_dossier_and_tells_every_member(
        client, facilitator, member_a, complete, mailoutbox, committed):
    client.force_login(facilitator)
    with committed():
        response = client.post(reverse("funding:dossier_submit", args=[complete.pk]),
                               {"version": complete.version})
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.status == Dossier.Status.SUBMITTED
    assert complete.submitted_at is not None and complete.pdf
    event = complete.events.get()
    assert (event.from_status, event.to_status, event.by) == ("brouillon", "depose",
                                                              facilitator)
    snapshot = complete.snapshot
    assert snapshot["dossier"]["title"] == "Dossier du label pour Marseille"
    assert snapshot["collective"]["member_count"] == 2
    assert {actor["family_key"] for actor in snapshot["collective"]["actors"]} == {
        "collectivite", "ess", "entreprise"}
    assert snapshot["territory"]["cooperation_territories"] == ["Vallée de l'Huveaune"]
    assert [challenge["title"] for challenge in snapshot["challenges"]] == [
        "Défi 0", "Défi 1", "Défi 2"]
    assert snapshot["challenges"][0]["objectives"][0]["baseline"] == "10.00"
    assert snapshot["engagements"][0]["company"] == "Les Paniers"
    assert len(snapshot["call"]["criteria"]) == 5
    assert snapshot["funding_plan"] is None
    assert snapshot["submitted_by"] == "Camille Martin"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == ["animatrice@exemple.fr", "membre.a@exemple.fr"]
    assert mail.subject == "Dossier déposé : Dossier du label pour Marseille"
    assert "Camille Martin a déposé le dossier « Dossier du label pour Marseille »" in mail.body
    assert complete.get_absolute_url() in mail.body
    assert mail.alternatives and "Voir le dossier" in mail.alternatives[0][0]


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 302), ("member_a", 403), ("member_b", 404), ("reviewer", 404),
    ("staff", 302)])
def test_facilitators_and_staff_submit(client, cast, complete, role, expected):
    as_role(client, cast, role)
    url = reverse("funding:dossier_submit", args=[complete.pk])
    response = client.post(url, {"version": complete.version})
    assert response.status_code == expected
    complete.refresh_from_db()
    assert (complete.status == "depose") == (expected == 302)


def test_a_submission_based_on_an_old_read_is_refused(client, facilitator, member_a,
                                                      complete):
    client.force_login(facilitator)
    read_version = complete.version
    dossier_save(dossier=complete, fields={"summary": "Changé entre-temps"},
                 version=complete.version)
    response = client.post(reverse("funding:dossier_submit", args=[complete.pk]),
                           {"version": read_version})
    # A conflict with what someone else saved, as in the API.
    assert response.status_code == 409
    assert "Quelqu'un a modifié ce dossier" in page_text(response)
    complete.refresh_from_db()
    assert complete.status == Dossier.Status.DRAFT


def test_later_edits_to_the_cluster_never_change_the_submitted_dossier(
        client, reviewer, submitted, cluster):
    frozen = Dossier.objects.get(pk=submitted.pk).snapshot
    Challenge.objects.filter(title="Défi 0").update(title="Défi renommé")
    objective = Objective.objects.get(title="Objectif 0")
    Measurement.objects.create(objective=objective, measured_on=date(2026, 2, 1), value=60,
                               source="Enquête")
    Engagement.objects.all().delete()
    submitted.refresh_from_db()
    assert submitted.snapshot == frozen
    conflict_declare(dossier=submitted, reviewer=reviewer, has_conflict=False)
    client.force_login(reviewer)
    text = page_text(client.get(submitted.get_absolute_url()))
    assert "Défi 0" in text and "Défi renommé" not in text
    assert "Les Paniers" in text


def test_members_see_the_frozen_contents_once_submitted(client, member_a, submitted):
    Challenge.objects.filter(title="Défi 0").update(title="Défi renommé")
    client.force_login(member_a)
    response = client.get(submitted.get_absolute_url())
    text = page_text(response)
    assert "Contenu déposé le" in text and "Défi 0" in text and "Défi renommé" not in text
    assert response.context["checklist"] is None
    assert "Modifier le dossier" not in text


# Statuses ----------------------------------------------------------------------------

def test_the_transition_table_reads_as_the_design_says():
    assert {action: (tuple(sources), target)
            for action, (sources, target) in DOSSIER_TRANSITIONS.items()} == {
        "submit": (("brouillon",), "depose"),
        "start_review": (("depose",), "en_instruction"),
        "request_more_info": (("en_instruction",), "complement_demande"),
        "resubmit": (("complement_demande",), "depose"),
        "accept": (("en_instruction",), "accepte"),
        "refuse": (("en_instruction",), "refuse"),
    }


@pytest.mark.parametrize("status", Dossier.Status.values)
@pytest.mark.parametrize("action", list(DOSSIER_TRANSITIONS))
def test_each_change_starts_only_from_its_states(draft, staff, status, action):
    Dossier.objects.filter(pk=draft.pk).update(status=status)
    sources, target = DOSSIER_TRANSITIONS[action]
    if status in sources:
        dossier = dossier_transition(dossier=draft, action=action, by=staff, comment="ok")
        assert dossier.status == target
        assert draft.events.get().to_status == target
    else:
        with pytest.raises(DomainError, match="Ce dossier est .* : impossible de") as error:
            dossier_transition(dossier=draft, action=action, by=staff)
        assert error.value.status == 409
        assert not draft.events.exists()
        assert Dossier.objects.get(pk=draft.pk).status == status


def test_a_reviewer_takes_the_dossier_into_review_and_asks_for_more(
        client, reviewer, facilitator, member_a, submitted, mailoutbox, committed):
    mailoutbox.clear()
    conflict_declare(dossier=submitted, reviewer=reviewer, has_conflict=False)
    client.force_login(reviewer)
    with committed():
        response = client.post(reverse("funding:dossier_start_review", args=[submitted.pk]))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.UNDER_REVIEW
    assert mailoutbox[-1].subject == "Dossier en instruction : Dossier du label pour Marseille"

    url = reverse("funding:dossier_request_more_info", args=[submitted.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"comment": "  "})
    assert empty.status_code == 400 and "Dites au collectif ce qu'il doit compléter" in \
        page_text(empty)
    with committed():
        client.post(url, {"comment": "Précisez le budget <b>de l'année 2</b>."})
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.MORE_INFO
    event = submitted.events.order_by("pk").last()
    assert (event.by, event.comment) == (reviewer, "Précisez le budget <b>de l'année 2</b>.")
    mail = mailoutbox[-1]
    assert mail.subject == "Complément demandé : Dossier du label pour Marseille"
    assert "Précisez le budget <b>de l'année 2</b>." in mail.body
    assert "&lt;b&gt;de l&#x27;année 2&lt;/b&gt;" in mail.alternatives[0][0]
    assert sorted(mail.to) == ["animatrice@exemple.fr", "membre.a@exemple.fr"]

    # The collective sees the request, completes the dossier and submits it again.
    client.force_login(member_a)
    page = page_text(client.get(submitted.get_absolute_url()))
    assert "Le French Impact demande un complément" in page
    dossier_save(dossier=submitted, fields={"summary": "Budget précisé"},
                 version=submitted.version)
    client.force_login(facilitator)
    with committed():
        response = client.post(reverse("funding:dossier_submit", args=[submitted.pk]),
                               {"version": submitted.version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED
    assert submitted.snapshot["dossier"]["summary"] == "Budget précisé"
    assert mailoutbox[-1].subject == "Dossier déposé à nouveau : Dossier du label pour " \
                                     "Marseille"
    assert list(submitted.events.order_by("pk").values_list("to_status", flat=True)) == [
        "depose", "en_instruction", "complement_demande", "depose"]


def test_a_complement_is_accepted_after_the_deadline(submitted, reviewer, facilitator,
                                                     label_call):
    conflict_declare(dossier=submitted, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=submitted, by=reviewer)
    dossier_request_more_info(dossier=submitted, by=reviewer, comment="Précisez.")
    label_call.deadline = timezone.now() - timedelta(minutes=1)
    label_call.opens_at = timezone.now() - timedelta(days=200)
    label_call.save()
    dossier = dossier_resubmit(dossier=submitted, by=facilitator)
    assert dossier.status == Dossier.Status.SUBMITTED


@pytest.mark.parametrize(("role", "expected", "service"), [
    ("facilitator", 403, "not_reviewer"), ("member_a", 403, "not_reviewer"),
    ("member_b", 404, "not_reviewer"), ("staff", 302, None)])
def test_only_the_funders_reviewers_and_staff_review(client, cast, submitted, role, expected,
                                                      service):
    as_role(client, cast, role)
    assert client.post(reverse("funding:dossier_start_review", args=[submitted.pk])) \
        .status_code == expected
    if service:
        with pytest.raises(DomainError) as error:
            dossier_start_review(dossier=submitted, by=cast[role])
        assert error.value.code == service and error.value.status == 403


def test_reviewers_never_act_on_a_draft(client, reviewer, complete):
    client.force_login(reviewer)
    assert client.post(reverse("funding:dossier_start_review", args=[complete.pk])) \
        .status_code == 404
    with pytest.raises(DomainError):
        dossier_start_review(dossier=complete, by=reviewer)


def test_reviewing_twice_is_refused_with_a_message(client, reviewer, submitted):
    conflict_declare(dossier=submitted, reviewer=reviewer, has_conflict=False)
    client.force_login(reviewer)
    url = reverse("funding:dossier_start_review", args=[submitted.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "Ce dossier est en instruction : impossible de le mettre en instruction." in \
        page_text(response)
    assert submitted.events.count() == 2


def test_status_pages_are_post_only(client, reviewer, submitted):
    client.force_login(reviewer)
    assert client.get(reverse("funding:dossier_start_review", args=[submitted.pk])) \
        .status_code == 405


# API -----------------------------------------------------------------------------------

def api_as(client, cast, role):
    if role == "anonymous":
        return client
    _row, token = api_token_create(user=cast[role], lifetime_days=30)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", {"draft"}), ("member_a", {"draft"}), ("member_b", set()),
    ("reviewer", set()), ("staff", {"draft"})])
def test_a_reviewers_token_never_lists_drafts(client, cast, draft, role, expected):
    response = api_as(client, cast, role).get(reverse("api:dossier-list"))
    assert response.status_code == 200
    assert {"draft" for item in response.json()["results"] if item["id"] == draft.pk} == \
        expected
    detail = client.get(reverse("api:dossier-detail", args=[draft.pk]))
    assert detail.status_code == (200 if expected else 404)


def test_a_reviewers_token_lists_the_dossiers_submitted_to_their_funder(client, cast,
                                                                         submitted, cluster,
                                                                         funding_call):
    DossierFactory(cluster=cluster, call=funding_call)  # a draft for the same funder
    response = api_as(client, cast, "reviewer").get(reverse("api:dossier-list"))
    assert [item["id"] for item in response.json()["results"]] == [submitted.pk]
    # Until the reviewer declares their conflicts of interest, no contents; the fields
    # keep their types, as the schema says (schemathesis found nulls there).
    listed = response.json()["results"][0]
    assert listed["must_declare"] is True
    assert (listed["summary"], listed["collective"], listed["territory"]) == ("", "", "")
    assert listed["cluster"] == submitted.cluster_id and listed["version"] >= 1
    refused = client.get(reverse("api:dossier-detail", args=[submitted.pk]))
    assert refused.status_code == 403
    assert refused.json()["code"] == "declaration_required"
    conflict_declare(dossier=submitted, reviewer=cast["reviewer"], has_conflict=False)
    detail = client.get(reverse("api:dossier-detail", args=[submitted.pk])).json()
    assert detail["status"] == "depose"
    assert detail["snapshot"]["dossier"]["title"] == "Dossier du label pour Marseille"
    assert detail["checklist"] is None
    assert detail["pdf"].endswith(reverse("funding:dossier_pdf", args=[submitted.pk]))
    assert [event["to_status"] for event in detail["events"]] == ["depose"]


def test_the_dossier_api_is_for_signed_in_people(client, draft):
    response = client.get(reverse("api:dossier-list"))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_dossier_list_api_takes_a_fixed_number_of_queries(
        client, cast, cluster, funder, django_assert_max_num_queries):
    api_as(client, cast, "facilitator")
    url = reverse("api:dossier-list")
    with django_assert_max_num_queries(5):
        client.get(url)
    for _number in range(15):
        DossierFactory(cluster=cluster, call=CallFactory(funder=funder))
    with django_assert_max_num_queries(5):
        assert client.get(url).json()["count"] == 15


def test_the_api_creates_and_updates_a_draft_with_its_version(client, cast, cluster,
                                                              funding_call):
    api_as(client, cast, "facilitator")
    response = client.post(reverse("api:dossier-list"), {
        "call": funding_call.slug, "cluster": cluster.pk, "title": "Par l'API",
        "summary": "Résumé", "requested_amount": "20000"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["title"], body["summary"], body["status"]) == ("Par l'API", "Résumé",
                                                                "brouillon")
    assert body["version"] == 2
    assert {item["key"]: item["ok"] for item in body["checklist"]}["requested_amount"] is True
    url = reverse("api:dossier-detail", args=[body["id"]])
    ok = client.patch(url, {"summary": "Mieux", "version": 2}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 3
    stale = client.patch(url, {"summary": "Écrasé ?", "version": 2},
                         content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"
    assert stale.json()["detail"].startswith("Quelqu'un a modifié ce dossier")
    missing = client.patch(url, {"summary": "Sans version"}, content_type="application/json")
    assert missing.status_code == 400 and "version" in missing.json()["errors"]
    too_much = client.patch(url, {"requested_amount": "90000", "version": 3},
                            content_type="application/json")
    assert too_much.status_code == 400 and too_much.json()["code"] == "amount_above_max"
    moved = client.patch(url, {"cluster": cluster.pk + 1000, "version": 3},
                         content_type="application/json")
    assert moved.status_code == 400
    assert Dossier.objects.get().summary == "Mieux"
    duplicate = client.post(reverse("api:dossier-list"), {
        "call": funding_call.slug, "cluster": cluster.pk}, content_type="application/json")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate"


@pytest.mark.parametrize(("role", "expected"), [
    ("member_a", 403), ("member_b", 400), ("reviewer", 400)])
def test_only_facilitators_create_dossiers_through_the_api(client, cast, cluster,
                                                          funding_call, role, expected):
    api_as(client, cast, role)
    response = client.post(reverse("api:dossier-list"), {
        "call": funding_call.slug, "cluster": cluster.pk}, content_type="application/json")
    # Another collective's cluster is "not found" in the request, never confirmed to exist.
    assert response.status_code == expected
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 403)])
def test_members_edit_through_the_api_and_reviewers_do_not(client, cast, submitted,
                                                           reviewer, role, expected):
    conflict_declare(dossier=submitted, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=submitted, by=reviewer)
    dossier_request_more_info(dossier=submitted, by=reviewer, comment="Précisez.")
    submitted.refresh_from_db()
    api_as(client, cast, role)
    response = client.patch(reverse("api:dossier-detail", args=[submitted.pk]),
                            {"summary": f"Par {role}", "version": submitted.version},
                            content_type="application/json")
    assert response.status_code == expected


def test_depositing_through_the_api(client, cast, draft, cluster, label_call):
    api_as(client, cast, "facilitator")
    url = reverse("api:dossier-deposer", args=[draft.pk])
    incomplete = client.post(url, {}, content_type="application/json")
    assert incomplete.status_code == 400
    assert incomplete.json()["code"] == "incomplete"
    assert incomplete.json()["detail"].startswith("Le dossier est incomplet. Il manque :")
    make_complete(cluster)
    Dossier.objects.filter(pk=draft.pk).update(strategic_plan=LONG_PLAN)
    Call.objects.filter(pk=label_call.pk).update(
        opens_at=timezone.now() - timedelta(days=100),
        deadline=timezone.now() - timedelta(days=1))
    late = client.post(url, {}, content_type="application/json")
    assert late.status_code == 400 and late.json()["code"] == "deadline_passed"
    assert "La date limite de dépôt était le" in late.json()["detail"]
    Call.objects.filter(pk=label_call.pk).update(deadline=timezone.now() + timedelta(days=9))
    ok = client.post(url, {"version": 1}, content_type="application/json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "depose" and ok.json()["snapshot"] is not None
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


@pytest.mark.parametrize(("role", "expected"), [
    ("member_a", 403), ("member_b", 404), ("reviewer", 404)])
def test_only_facilitators_deposit_through_the_api(client, cast, complete, role, expected):
    api_as(client, cast, role)
    response = client.post(reverse("api:dossier-deposer", args=[complete.pk]), {},
                           content_type="application/json")
    assert response.status_code == expected
    assert Dossier.objects.get().status == Dossier.Status.DRAFT


def test_the_api_schema_documents_the_dossiers(client, openapi_schema):
    from drf_spectacular.validation import validate_schema

    schema = openapi_schema
    validate_schema(schema)
    assert "/api/dossiers/{id}/deposer/" in schema["paths"]
    assert "/api/appels/{slug}/" in schema["paths"]


def test_a_call_not_yet_open_is_unknown_to_the_api(client, cast, cluster, funder):
    future = CallFactory(funder=funder, opens_at=timezone.now() + timedelta(days=5),
                         deadline=timezone.now() + timedelta(days=50))
    api_as(client, cast, "facilitator")
    response = client.post(reverse("api:dossier-list"), {
        "call": future.slug, "cluster": cluster.pk}, content_type="application/json")
    assert response.status_code == 400 and "call" in response.json()["errors"]
    assert not Dossier.objects.exists()


# Demo ----------------------------------------------------------------------------------

def test_the_demo_gives_marseille_a_draft_annual_follow_up_once(demo, client):
    # Every demo territory is labelled: its dossiers are annual follow-ups, not label
    # applications. The other one is submitted, for the reviewer (test_reviews.py).
    dossier = Dossier.objects.get(status=Dossier.Status.DRAFT)
    assert Dossier.objects.count() == 2
    assert set(Dossier.objects.values_list("call__kind", flat=True)) == {"suivi_annuel"}
    assert dossier.cluster.territory.slug == "aix-marseille-provence"
    assert dossier.follow_up_due == date(2028, 2, 25)  # the label's next anniversary
    assert dossier.created_by.email == "animatrice@demo.local"
    items = {item.key: item.ok for item in dossier_checklist(dossier)}
    assert items == {"summary": False, "challenges": True}  # her year's review to write
    assert Membership.objects.filter(collective=dossier.cluster.collective).count() == 2
    client.force_login(dossier.created_by)
    dashboard = client.get(reverse("cluster_dashboard", args=[dossier.cluster_id]))
    assert "Suivi annuel : à déposer avant le 25 février 2028." in page_text(dashboard)



def test_an_adopted_schema_directeur_stands_in_for_the_strategic_plan(draft, cluster):
    from cluster.models import MasterPlan, MasterPlanVersion

    plan = MasterPlan.objects.create(cluster=cluster)
    version = MasterPlanVersion.objects.create(plan=plan, number=1, is_adopted=False,
                                               status=MasterPlanVersion.Status.READY)
    assert not checklist_of(draft)["strategic_plan"].ok  # a version not adopted is not enough
    version.is_adopted = True
    version.save()
    item = checklist_of(draft)["strategic_plan"]
    assert item.ok
    assert item.message == "Le schéma directeur adopté par le comité de pilotage en tient lieu."
    assert item.fix_url == reverse("master_plan", args=[cluster.pk])
