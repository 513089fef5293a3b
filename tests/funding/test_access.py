"""One access object per object type: what each person may do on a dossier, computed once.

`dossier_access` answers for every role; the pages, the API and the services ask it
and nothing else (a test walks the URLs of the funding app to keep it so); a
refusal says why from one table of messages.
"""

import inspect
import json
import re
from pathlib import Path

import pytest
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from funding import permissions
from funding.models import Call, ConflictDeclaration, Dossier, DossierEvent
from funding.permissions import AccessDenied, Right, dossier_access
from funding.services import (
    conflict_declare,
    dossier_request_more_info,
    dossier_start,
    dossier_start_review,
    dossier_submit,
)
from tests.funding.factories import FunderFactory, FunderMemberFactory
from tests.funding.reviewing import call_with_grid, submitted_dossier

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member_a", "facilitator", "member_b", "undeclared", "declared",
         "in_conflict", "other_funder", "staff"]


@pytest.fixture
def call(funder):
    return call_with_grid(funder, title="Fonds pour l'innovation sociale")


@pytest.fixture
def dossier(call, cluster):
    return submitted_dossier(call, cluster, title="Dossier de Marseille")


@pytest.fixture
def under_review(dossier, staff):
    dossier_start_review(dossier=dossier, by=staff)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def draft(cluster, facilitator):
    return dossier_start(call=Call.objects.get(slug="territoire-french-impact"),
                         cluster=cluster, by=facilitator)


@pytest.fixture
def people(anonymous, member_a, facilitator, member_b, reviewer, funder, staff, dossier):
    """Every role towards the dossier, the funder's reviewers in each of their standings."""
    declared = FunderMemberFactory(funder=funder, user__email="sans.conflit@exemple.fr").user
    in_conflict = FunderMemberFactory(funder=funder, user__email="en.conflit@exemple.fr").user
    ConflictDeclaration.objects.create(dossier=dossier, reviewer=declared, has_conflict=False)
    ConflictDeclaration.objects.create(dossier=dossier, reviewer=in_conflict, has_conflict=True,
                                       explanation="Je siège au conseil d'un acteur.")
    other = FunderMemberFactory(funder=FunderFactory(name="Fondation voisine"),
                                user__email="autre.financeur@exemple.fr").user
    return {"anonymous": anonymous, "member_a": member_a, "facilitator": facilitator,
            "member_b": member_b, "undeclared": reviewer, "declared": declared,
            "in_conflict": in_conflict, "other_funder": other, "staff": staff}


RIGHTS = ["can_edit", "can_submit", "must_declare", "may_act", "can_declare",
          "can_start_review", "can_ask_complement", "can_write_review", "can_decide",
          "can_download_attestation"]

# role → the rights it holds on a dossier under review (None: the dossier is unknown, 404).
UNDER_REVIEW = {
    "anonymous": None,
    "member_a": {"can_download_attestation"},
    "facilitator": {"can_download_attestation"},
    "member_b": None,
    "undeclared": {"must_declare", "can_declare"},
    "declared": {"may_act", "can_ask_complement", "can_write_review", "can_decide",
                 "can_download_attestation"},
    "in_conflict": None,
    "other_funder": None,
    "staff": {"may_act", "can_ask_complement", "can_decide", "can_download_attestation"},
}


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_may_do_on_a_dossier_under_review(people, under_review, role):
    expected = UNDER_REVIEW[role]
    if expected is None:
        with pytest.raises(Http404):
            dossier_access(people[role], under_review.pk)
        return
    access = dossier_access(people[role], under_review.pk)
    assert access.dossier == under_review
    assert {right for right in RIGHTS if getattr(access, right)} == expected


# role → the rights it holds on a submitted dossier, not yet under review.
SUBMITTED = {
    "member_a": {"can_download_attestation"}, "facilitator": {"can_download_attestation"},
    "undeclared": {"must_declare", "can_declare"},
    "declared": {"may_act", "can_start_review", "can_download_attestation"},
    "staff": {"may_act", "can_start_review", "can_download_attestation"},
}


@pytest.mark.parametrize("role", sorted(SUBMITTED))
def test_what_each_role_may_do_on_a_submitted_dossier(people, dossier, role):
    access = dossier_access(people[role], dossier.pk)
    assert {right for right in RIGHTS if getattr(access, right)} == SUBMITTED[role]


# role → the rights it holds on a draft; reviewers never see a draft.
DRAFT = {
    "anonymous": None, "member_b": None, "undeclared": None, "declared": None,
    "in_conflict": None, "other_funder": None,
    "member_a": {"can_edit", "can_download_attestation"},
    "facilitator": {"can_edit", "can_submit", "can_download_attestation"},
    "staff": {"can_edit", "can_submit", "can_download_attestation"},
}


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_may_do_on_a_draft(people, draft, role):
    if DRAFT[role] is None:
        with pytest.raises(Http404):
            dossier_access(people[role], draft.pk)
        return
    access = dossier_access(people[role], draft.pk)
    assert {right for right in RIGHTS if getattr(access, right)} == DRAFT[role]


def test_a_member_of_the_collective_who_reviews_for_the_funder_never_judges_it(
        member_a, funder, dossier):
    FunderMemberFactory(funder=funder, user=member_a)
    access = dossier_access(member_a, dossier.pk)
    assert access.is_member and access.conflict and not access.must_declare
    assert not access.may_act
    with pytest.raises(AccessDenied) as refusal:
        access.require(Right.START_REVIEW)
    assert refusal.value.code == "conflict_of_interest"


def test_a_bad_id_is_unknown(staff):
    with pytest.raises(Http404):
        dossier_access(staff, "abc")


def test_each_refusal_says_why_in_french_from_one_table(people, draft, under_review):
    """A refusal for who the person is is a 403 with its message; one for the dossier's
    state a 409."""
    member = dossier_access(people["member_a"], draft.pk)
    with pytest.raises(AccessDenied, match="Seuls les animateur·rices du collectif déposent "
                                           "son dossier.") as refusal:
        member.require(Right.SUBMIT)
    assert refusal.value.status == 403 and refusal.value.code == "permission_denied"
    undeclared = dossier_access(people["undeclared"], under_review.pk)
    with pytest.raises(AccessDenied, match="Déclarez d'abord") as refusal:
        undeclared.require(Right.READ)
    assert refusal.value.code == "declaration_required"
    frozen = dossier_access(people["member_a"], under_review.pk).denial(Right.EDIT)
    assert frozen.status == 409 and "il ne se modifie plus" in frozen.message
    assert not isinstance(frozen, AccessDenied)
    staff = dossier_access(people["staff"], under_review.pk).denial(Right.START_REVIEW)
    assert staff.status == 409 and staff.code == "invalid_transition"


def test_can_and_require_never_disagree(people, draft, under_review):
    for dossier in (draft, under_review):
        for user in people.values():
            try:
                access = dossier_access(user, dossier.pk)
            except Http404:
                continue
            for right in Right:
                if right in (Right.START_DOSSIER, Right.CHANGE_PLANS):
                    continue
                allowed = access.may(right)
                try:
                    access.require(right)
                except Exception:  # noqa: BLE001 - any refusal
                    assert not allowed
                else:
                    assert allowed


def test_the_old_helpers_are_gone():
    for name in ("require_dossier_edit", "require_dossier_submit", "require_dossier_review",
                 "require_dossier_start", "require_plan_changes", "can_edit_dossier",
                 "can_submit_dossier", "reviewer_standing", "ReviewerStanding",
                 "get_dossier_for_reading", "get_plan_for_reading"):
        assert not hasattr(permissions, name), name
    api = Path(permissions.__file__).parent / "api"
    for path in api.glob("*.py"):
        assert "Seuls les" not in path.read_text(), path


# Queries: the access costs no query of its own ---------------------------------------------

def test_the_draft_page_asks_who_the_person_is_once(client, facilitator, draft,
                                                     django_assert_max_num_queries):
    client.force_login(facilitator)
    # The live contents come from the schéma directeur's providers (key figures included);
    # the menu asks whether the person administers a funder.
    with django_assert_max_num_queries(18):
        response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert response.context["access"].can_submit


def test_the_reviewers_page_asks_who_the_person_is_once(client, people, under_review,
                                                        django_assert_max_num_queries):
    client.force_login(people["declared"])
    with django_assert_max_num_queries(8):  # the menu's question included
        response = client.get(under_review.get_absolute_url())
    assert response.status_code == 200 and response.context["access"].can_decide
    assert "Demander un complément" in response.content.decode()


# Submission: one service, with or without a version -----------------------------------------

def test_the_submission_checks_the_version_only_when_given(draft, facilitator, member_a):
    from tests.funding.factories import LONG_PLAN, make_complete

    make_complete(draft.cluster)
    draft.strategic_plan = LONG_PLAN
    draft.save()
    with pytest.raises(AccessDenied):
        dossier_submit(dossier=draft, by=member_a)
    with pytest.raises(Exception, match="Quelqu'un a modifié ce dossier") as conflict:
        dossier_submit(dossier=draft, by=facilitator, version=draft.version + 1)
    assert conflict.value.status == 409
    assert dossier_submit(dossier=draft, by=facilitator).status == Dossier.Status.SUBMITTED


def test_the_page_submits_without_a_version_as_the_api_does(client, draft, facilitator):
    from tests.funding.factories import LONG_PLAN, make_complete

    make_complete(draft.cluster)
    draft.strategic_plan = LONG_PLAN
    draft.save()
    client.force_login(facilitator)
    url = reverse("funding:dossier_submit", args=[draft.pk])
    assert client.post(url, {"version": "v1"}).status_code == 400
    stale = client.post(url, {"version": draft.version + 1})
    assert stale.status_code == 409
    assert client.post(url, {}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Dossier.Status.SUBMITTED


# Asking for a complement through the API -----------------------------------------------------

def complement(client, dossier, body, *, raw=False):
    url = reverse("api:instruction-dossier-complement", args=[dossier.pk])
    return client.post(url, body if raw else json.dumps(body), content_type="application/json")


# role → the answer to a complement request on a dossier under review.
COMPLEMENT = {"anonymous": 401, "member_a": 404, "facilitator": 404, "member_b": 404,
              "undeclared": 403, "declared": 200, "in_conflict": 404, "other_funder": 404,
              "staff": 200}


@pytest.mark.parametrize("role", ROLES)
def test_the_funders_reviewers_ask_for_a_complement_through_the_api(
        client, people, under_review, role, mailoutbox, django_capture_on_commit_callbacks):
    if role != "anonymous":
        client.force_login(people[role])
    with django_capture_on_commit_callbacks(execute=True):
        response = complement(client, under_review, {"message": "Précisez le budget 2028."})
    assert response.status_code == COMPLEMENT[role]
    assert set(response.json()) >= {"detail", "code"} or response.status_code == 200
    under_review.refresh_from_db()
    if COMPLEMENT[role] == 200:
        assert response.json()["status"] == Dossier.Status.MORE_INFO
        assert under_review.status == Dossier.Status.MORE_INFO
        event = under_review.events.latest("at")
        assert event.comment == "Précisez le budget 2028." and event.by == people[role]
        assert mailoutbox and "Précisez le budget 2028." in mailoutbox[-1].body
    else:
        assert under_review.status == Dossier.Status.UNDER_REVIEW
    if role == "undeclared":
        assert response.json()["code"] == "declaration_required"
        assert "Déclarez d'abord" in response.json()["detail"]


@pytest.mark.parametrize(("body", "raw"), [
    ({"message": ""}, False),
    ({"message": "   "}, False),
    ({}, False),
    ({"message": "Un\u0000octet nul"}, False),
    ({"message": ["une", "liste"]}, False),
    (["message"], False),
    ("du texte", False),
    ("{pas du json", True),
])
def test_a_bad_complement_request_is_refused_and_writes_nothing(client, people, under_review,
                                                                body, raw):
    client.force_login(people["declared"])
    events = DossierEvent.objects.count()
    response = complement(client, under_review, body, raw=raw)
    assert response.status_code == 400
    assert {"detail", "code"} <= set(response.json())
    under_review.refresh_from_db()
    assert under_review.status == Dossier.Status.UNDER_REVIEW
    assert DossierEvent.objects.count() == events


def test_an_empty_complement_says_what_to_write(client, people, under_review):
    client.force_login(people["declared"])
    response = complement(client, under_review, {"message": ""})
    assert response.json() == {"detail": "Dites au collectif ce qu'il doit compléter.",
                               "code": "comment_required"}


def test_a_complement_outside_the_review_is_a_conflict(client, people, dossier):
    client.force_login(people["declared"])
    response = complement(client, dossier, {"message": "Précisez."})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUBMITTED


def test_page_and_api_ask_for_a_complement_through_one_service(people, under_review):
    with pytest.raises(AccessDenied):
        dossier_request_more_info(dossier=under_review, by=people["member_a"], comment="Non.")
    dossier_request_more_info(dossier=under_review, by=people["declared"], comment="Oui.")
    under_review.refresh_from_db()
    assert under_review.status == Dossier.Status.MORE_INFO


def test_the_schema_documents_the_complement_request(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/instruction/dossiers/{id}/complement/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert "requestBody" in operation


def test_a_conflicted_reviewer_is_refused_by_the_service_too(people, under_review, funder):
    member_reviewer = people["member_a"]
    FunderMemberFactory(funder=funder, user=member_reviewer)
    conflict_declare(dossier=under_review, reviewer=member_reviewer, has_conflict=False)
    with pytest.raises(AccessDenied, match="conflit d'intérêts"):
        dossier_request_more_info(dossier=under_review, by=member_reviewer, comment="Non.")


# Every view of the funding app gets its rights from an access object -----------------------

ACCESS = ("dossier_access(", "funding_plan_access(", "funding_access(", "funder_access(",
          "calls_access(", "DossierAccess.", "FundingAccess.", "FunderAccess.",
          "national_access(")
# Views that read public things (the catalogue, the calls) or lists filtered by the
# visible_* querysets: no object, so no access object.
# The page of a funder's invitation is reached by its one-time secret, whoever holds it.
PUBLIC_VIEWS = {"source_list", "source_detail", "call_list", "call_detail", "review_list",
                "funder_invitation_accept_view"}
PUBLIC_VIEWSETS = {"SourceViewSet", "CallViewSet"}
LIST_ACTIONS = {"list", "export_csv", "export_xlsx"}


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _reaches_access(function, owner=None, depth=3, names=ACCESS):
    """Return whether the function's code, or a helper of its module or class it calls,
    asks an access object (one of `names`)."""
    function = inspect.unwrap(function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    if any(name in source for name in names):
        return True
    if depth == 0:
        return False
    module = inspect.getmodule(function)
    for name in set(re.findall(r"(?<![\w.])(\w+)\(", source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper is not function and _reaches_access(
                helper, owner, depth - 1, names):
            return True
    for name in set(re.findall(r"self\.(\w+)\(", source)) if owner else ():
        helper = getattr(owner, name, None)
        if callable(helper) and _reaches_access(helper, owner, depth - 1, names):
            return True
    return False


def _funding_views():
    for route, callback in _patterns(get_resolver()):
        cls = getattr(callback, "cls", None)
        module = (cls or inspect.unwrap(callback)).__module__
        if module.startswith("funding."):
            yield route, callback, cls


def test_the_walk_finds_the_pages_and_the_api():
    names = {getattr(cls, "__name__", None) or inspect.unwrap(callback).__name__
             for _route, callback, cls in _funding_views()}
    assert {"dossier_detail", "dossier_submit_view", "plan_edit", "DossierViewSet",
            "InstructionDossierViewSet", "PlanViewSet", "manage_call_list", "call_create",
            "manage_call", "call_edit", "call_grid", "call_open_view", "call_close_view",
            "call_copy_view", "manage_dossier_list"} <= names


def _a_page_that_bypasses_the_access(request, pk):
    return Dossier.objects.get(pk=pk)


def test_the_walk_notices_a_view_that_bypasses_the_access_object():
    assert not _reaches_access(_a_page_that_bypasses_the_access)


def test_every_funding_view_gets_its_rights_from_an_access_object():
    bypassing = []
    for route, callback, cls in _funding_views():
        if cls is None:
            view = inspect.unwrap(callback)
            if view.__name__ not in PUBLIC_VIEWS and not _reaches_access(view):
                bypassing.append(route)
            continue
        if cls.__name__ in PUBLIC_VIEWSETS:
            continue
        # With a permission class that asks the access object, get_object() does too, and
        # so do DRF's own retrieve, update and destroy.
        guarded = any(_reaches_access(permission.has_object_permission)
                      for permission in cls.permission_classes)
        names = (*ACCESS, "get_object(") if guarded else ACCESS
        for action in set(callback.actions.values()):
            method = getattr(cls, action)
            if action in LIST_ACTIONS or _reaches_access(method, cls, names=names) or (
                    guarded and not method.__module__.startswith("funding.")):
                continue
            bypassing.append(f"{route} {action}")
    assert not bypassing, bypassing
