"""Who may see or change what in the funding app: one access object per object type.

`dossier_access(user, pk)` returns the dossier and everything the person may do on it,
computed in one query; `funding_plan_access` and `funding_access` do the same for a cluster's
funding plans and the dossiers it starts. Pages, the API and the services ask these
objects, and nothing else: `access.require(right)` refuses with the message of
`DENIALS` (403), or with a conflict with the dossier's state (409).

Catalogue and funding plans: the catalogue of sources is public; staff change it
through the admin. A cluster's funding plans are read by the members of its
collective and by staff; the collective's facilitators and staff change them
(create a plan, its budget lines and contributions): a plan commits the collective
towards its funders, so the people who steer the cluster keep it. Anyone else gets
a 404: they must not learn the plan exists.

Dossiers: members of the collective read its dossiers and edit them while they are
open to changes; its facilitators and staff start and submit them. Reviewers of the
call's funder read the submitted ones once they declared they have no conflict of
interest, and move them through the review with staff.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Q,
    Subquery,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cluster.errors import DomainError
from cluster.models import Cluster, Collective, Membership
from cluster.permissions import get_cluster_for_reading, role_in, visible_clusters
from funding.models import (
    Call,
    ConflictDeclaration,
    Dossier,
    Funder,
    FunderMember,
    FundingPlan,
    Review,
)
from funding.transitions import ACTION_PHRASES, starts_from
from territories.token_scope import (
    FUNDER,
    narrow_to_token_scope,
    reaches_funder,
    token_limit,
    within_token_scope,
)

# Why a person may not do something: one message per reason, shown by the 403 page and
# the API alike (never typed again elsewhere).

DECLARE_FIRST = gettext_lazy("Déclarez d'abord si vous avez un conflit d'intérêts avec ce "
                             "dossier : son contenu s'ouvre ensuite.")
IN_CONFLICT = gettext_lazy("Vous avez un conflit d'intérêts avec ce dossier, déclaré ou parce "
                           "que vous êtes membre du collectif : vous ne l'instruisez pas.")
# A declaration is a yes or a no said out loud: an empty form is neither.
CHOICE_REQUIRED = gettext_lazy("Dites si vous avez un conflit d'intérêts avec ce dossier : "
                               "oui ou non.")

DENIALS = {
    # reason: (the API's code, the message)
    "change_plans": ("permission_denied", gettext_lazy(
        "Seuls les animateur·rices du collectif modifient ses plans de financement.")),
    "start_dossier": ("permission_denied", gettext_lazy(
        "Seuls les animateur·rices du collectif préparent un nouveau dossier.")),
    "edit": ("permission_denied", gettext_lazy(
        "Seuls les membres du collectif modifient son dossier.")),
    "submit": ("permission_denied", gettext_lazy(
        "Seuls les animateur·rices du collectif déposent son dossier.")),
    "review": ("not_reviewer", gettext_lazy(
        "Seuls les instructeur·rices du financeur de l'appel et l'équipe nationale "
        "instruisent ce dossier.")),
    "write_review": ("not_reviewer", gettext_lazy(
        "Seuls les instructeur·rices de %(funder)s instruisent ce dossier.")),
    "declare": ("not_reviewer", gettext_lazy(
        "Seuls les instructeur·rices du financeur de l'appel déclarent leurs conflits "
        "d'intérêts.")),
    "declaration_required": ("declaration_required", DECLARE_FIRST),
    "conflict_of_interest": ("conflict_of_interest", IN_CONFLICT),
    "manage_reviewers": ("permission_denied", gettext_lazy(
        "Seuls les administrateur·rices de ce financeur et l'équipe nationale gèrent ses "
        "instructeur·rices.")),
    "manage_webhooks": ("permission_denied", gettext_lazy(
        "Seuls les instructeur·rices de ce financeur et l'équipe nationale gèrent ses "
        "webhooks.")),
    "manage_calls": ("permission_denied", gettext_lazy(
        "Seuls l'équipe nationale et les administrateur·rices d'un financeur gèrent ses "
        "appels.")),
}


class AccessDenied(DomainError, PermissionDenied):
    """A refusal for who the person is: a 403 page, or `{"detail", "code"}` in the API.

    It is a DomainError so that the API's exception handler keeps its message and code,
    and a PermissionDenied so that a page answers 403.
    """

    status = 403

    def __init__(self, reason, **params):
        code, message = DENIALS[reason]
        super().__init__(message % params if params else message, code=code)
        self.reason = reason


class Right(StrEnum):
    """What a person may do on a dossier, a cluster's funding or a plan."""

    READ = "read"  # open the dossier's contents, PDF and attestation
    EDIT = "edit"
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    ASK_COMPLEMENT = "request_more_info"
    WRITE_REVIEW = "write_review"
    DECIDE = "decide"
    DECLARE = "declare"
    DOWNLOAD_ATTESTATION = "download_attestation"
    START_DOSSIER = "start_dossier"
    CHANGE_PLANS = "change_plans"


class FunderRight(StrEnum):
    """What a person may do on a funder."""

    MANAGE_WEBHOOKS = "manage_webhooks"
    MANAGE_CALLS = "manage_calls"  # create, edit, open, close, copy its calls
    MANAGE_REVIEWERS = "manage_reviewers"  # invite, name admins, remove its people


STEERING = ("staff", Membership.Role.FACILITATOR)


def _may(right):
    """A property saying whether the person may do `right` now, for the templates."""
    return property(lambda access: access.may(right), doc=f"May the person {right}?")


class _Access:
    """`require`, `denial` and `may` over the `_deny_<right>` methods of a subclass."""

    def denial(self, right):
        """Return the error refusing `right` to the person now, or None if they may."""
        name = right.value if isinstance(right, StrEnum) else Right(right).value
        return getattr(self, f"_deny_{name}")()

    def may(self, right):
        return self.denial(right) is None

    def require(self, right):
        """Raise AccessDenied (403), DomainError (409: the state refuses) or Http404."""
        error = self.denial(right)
        if error is not None:
            raise error


# Catalogue and funding plans -------------------------------------------------------------


@dataclass(frozen=True)
class FundingAccess(_Access):
    """A cluster's funding (one plan of it when `plan` is set) and the person's role."""

    cluster: Cluster
    role: str | None = None  # "staff", "facilitator", "member" or None
    plan: FundingPlan | None = None

    @classmethod
    def of(cls, user, cluster, plan=None):
        return cls(cluster=cluster, role=role_in(user, cluster), plan=plan)

    can_change_plans = _may(Right.CHANGE_PLANS)
    can_start_dossier = _may(Right.START_DOSSIER)

    def _deny_change_plans(self):
        """Facilitators of the cluster's collective and staff change its funding plans."""
        return None if self.role in STEERING else AccessDenied("change_plans")

    def _deny_start_dossier(self):
        """Facilitators of the cluster's collective and staff start its dossiers."""
        return None if self.role in STEERING else AccessDenied("start_dossier")


def funding_access(user, cluster_pk):
    """Return the cluster (the person may read it, else 404) with the person's rights."""
    return FundingAccess.of(user, get_cluster_for_reading(user, cluster_pk))


def funding_plan_access(user, cluster_pk, plan_pk):
    """Return the cluster's plan (404 if the person may not read it) with their rights."""
    access = funding_access(user, cluster_pk)
    plan = FundingPlan.objects.select_related("project").filter(
        cluster=access.cluster, pk=plan_pk).first()
    if plan is None:
        raise Http404("Plan de financement introuvable.")
    plan.cluster = access.cluster
    return FundingAccess(cluster=access.cluster, role=access.role, plan=plan)


def visible_plans(user):
    """Return the plans the person may read: those of the clusters they may read."""
    return FundingPlan.objects.filter(cluster__in=visible_clusters(user))


# Calls and dossiers ------------------------------------------------------------------------

# While a dossier is in one of these, its collective edits it; otherwise it is frozen.
EDITABLE_STATUSES = (Dossier.Status.DRAFT, Dossier.Status.MORE_INFO)


def visible_calls(user, now=None):
    """Return the calls the person may read: opened ones for all, every one for staff."""
    if user.is_authenticated and user.is_active and user.is_staff:
        return Call.objects.all()
    return Call.objects.filter(is_draft=False, opens_at__lte=now or timezone.now())


def get_call_for_reading(user, slug):
    call = visible_calls(user).select_related("funder").filter(slug=slug).first()
    if call is None:
        raise Http404("Appel introuvable.")
    return call


# How a dossier leads to its collective and to its funder, for a token limited to one.
DOSSIER_PATHS = {"collective_path": "cluster__collective", "funder_path": "call__funder"}


def visible_dossiers(user):
    """Return the dossiers the person may read.

    Members of the collective read its dossiers in every state; reviewers read the
    dossiers filed to their funder's calls, drafts and declared conflicts excepted
    (see `dossiers_for_reviewer`); staff read all.
    """
    if not user.is_authenticated or not user.is_active:
        return Dossier.objects.none()
    if user.is_staff:
        return narrow_to_token_scope(Dossier.objects.all(), user, **DOSSIER_PATHS)
    own = Q(cluster__collective__in=narrow_to_token_scope(
        Collective.objects.filter(memberships__user=user), user, collective_path="pk"))
    # The reviewers' rule lives in one place: dossiers_for_reviewer.
    reviewed = Q(pk__in=dossiers_for_reviewer(user).values("pk"))
    return Dossier.objects.filter(own | reviewed)


def frozen_error(dossier):
    return DomainError(
        gettext_lazy("Ce dossier est %(status)s : il ne se modifie plus.")
        % {"status": dossier.get_status_display()}, code="not_editable", status=409)


def transition_error(dossier, action):
    return DomainError(
        gettext_lazy("Ce dossier est %(status)s : impossible de %(action)s.")
        % {"status": dossier.get_status_display(), "action": ACTION_PHRASES[action]},
        code="invalid_transition", status=409)


# Reviews, conflicts of interest, decisions -----------------------------------------------
#
# A reviewer of the call's funder declares, before opening a submitted dossier, whether
# they have a conflict of interest. Until then they see only its id, call, title, status
# and submission date; a declared conflict hides the dossier from them entirely. Staff
# and the collective's own members never declare.


@dataclass(frozen=True)
class DossierAccess(_Access):
    """A dossier and where the person stands towards it, read once per request.

    `role`: "staff", or their role in the dossier's collective ("facilitator",
    "member"), or None. `funder_reviewer`: they review for the call's funder.
    `declaration`: None until they declare; then True for a conflict of interest,
    False for none. `reviewed`: they already gave their review.
    """

    dossier: Dossier
    role: str | None = None
    funder_reviewer: bool = False
    declaration: bool | None = None
    reviewed: bool = False

    @classmethod
    def from_row(cls, dossier, user):
        """Build the access from a dossier annotated by `with_access`."""
        if not user.is_authenticated or not user.is_active:
            return cls(dossier=dossier)
        return cls(dossier=dossier, role="staff" if user.is_staff else dossier.access_role,
                   funder_reviewer=dossier.access_funder_reviewer,
                   declaration=dossier.access_declaration,
                   reviewed=dossier.access_reviewed).within_token(user)

    @classmethod
    def of(cls, user, dossier):
        """Return the person's access to a dossier already loaded (one query unless it was
        loaded through `with_access`)."""
        if not user.is_authenticated or not user.is_active:
            return cls(dossier=dossier)
        if hasattr(dossier, "access_reviewed"):
            return cls.from_row(dossier, user)
        row = with_access(Dossier.objects.filter(pk=dossier.pk), user).values(
            *ACCESS_FIELDS).first() or {}
        return cls(dossier=dossier, role="staff" if user.is_staff else row.get("access_role"),
                   funder_reviewer=bool(row.get("access_funder_reviewer")),
                   declaration=row.get("access_declaration"),
                   reviewed=bool(row.get("access_reviewed"))).within_token(user)

    def within_token(self, user):
        """Narrow the access to the limit of the request's API token: a token limited to a
        collective acts as its member only, one limited to a funder as its reviewer (or
        staff) on that funder's dossiers only."""
        limit = token_limit(user)
        if limit is None:
            return self
        if limit == FUNDER:
            own = reaches_funder(user, self.dossier.call.funder_id)
            return replace(self, role="staff" if own and self.is_staff else None,
                           funder_reviewer=own and self.funder_reviewer)
        inside = within_token_scope(user, self.dossier.cluster.collective_id)
        return replace(self, role=self.role if inside else None, funder_reviewer=False)

    # Who the person is towards the dossier ---------------------------------------------

    @property
    def status(self):
        return self.dossier.status

    @property
    def is_staff(self):
        return self.role == "staff"

    @property
    def is_member(self):
        """Members of the dossier's collective (facilitators included) and staff."""
        return self.role is not None

    @property
    def visible(self):
        """What `visible_dossiers` says of the dossier, read from the access itself: its
        collective's members and staff, or a reviewer of the funder with no conflict
        declared, once submitted."""
        return self.is_member or (self.reviews and self.declaration is not True)

    @property
    def reviews(self):
        """Staff, or a reviewer of the call's funder, and the dossier is submitted."""
        return self.status != Dossier.Status.DRAFT and (self.is_staff or self.funder_reviewer)

    @property
    def declared(self):
        """They said whether they have a conflict of interest (staff never say)."""
        return self.is_staff or self.declaration is not None

    @property
    def conflict(self):
        """A reviewer who declared a conflict, or who belongs to the collective: they never
        judge their own dossier."""
        return self.reviews and not self.is_staff and (self.is_member or bool(self.declaration))

    @property
    def must_declare(self):
        """A reviewer who must declare before opening the dossier: they read only its title,
        call, status and date, and are sent to the declaration."""
        return self.reviews and not self.declared and not self.conflict

    @property
    def may_act(self):
        """Take into review, ask for more, review, decide: declared and without conflict."""
        return self.reviews and self.declared and not self.conflict

    # What the person may do now (the templates read these) -----------------------------

    can_edit = _may(Right.EDIT)
    can_submit = _may(Right.SUBMIT)
    can_start_review = _may(Right.START_REVIEW)
    can_ask_complement = _may(Right.ASK_COMPLEMENT)
    can_write_review = _may(Right.WRITE_REVIEW)
    can_decide = _may(Right.DECIDE)
    can_declare = _may(Right.DECLARE)
    can_download_attestation = _may(Right.DOWNLOAD_ATTESTATION)

    # The rules, one per right: who first (403), then the dossier's state (409) ---------

    def _deny_read(self):
        return AccessDenied("declaration_required") if self.must_declare else None

    def _deny_edit(self):
        """Every member of the collective edits the dossier while it is open to changes."""
        if not self.is_member:
            return AccessDenied("edit")
        if self.status not in EDITABLE_STATUSES:
            return frozen_error(self.dossier)
        return None

    def _deny_submit(self):
        """Submitting commits the collective: its facilitators and staff do it."""
        if self.role not in STEERING:
            return AccessDenied("submit")
        if self.status not in EDITABLE_STATUSES:
            return transition_error(self.dossier, "submit")
        return None

    def _review_action(self, action):
        """Reviewers of the call's funder, declared and without conflict, and staff."""
        if not self.reviews:
            return AccessDenied("review")
        if self.must_declare:
            return AccessDenied("declaration_required")
        if self.conflict:
            return AccessDenied("conflict_of_interest")
        if not starts_from(action, self.status):
            return transition_error(self.dossier, action)
        return None

    def _deny_start_review(self):
        return self._review_action("start_review")

    def _deny_request_more_info(self):
        return self._review_action("request_more_info")

    def _deny_decide(self):
        if self.status in (Dossier.Status.ACCEPTED, Dossier.Status.REFUSED) and self.may_act:
            return already_decided_error()
        return self._review_action("accept")

    def _deny_write_review(self):
        """A reviewer of the call's funder without conflict, once, while the dossier is
        under review."""
        if not self.funder_reviewer:
            return AccessDenied("write_review", funder=self.dossier.call.funder.name)
        if not self.reviews:
            return _not_submitted()
        if self.must_declare:
            return AccessDenied("declaration_required")
        if self.conflict:
            return AccessDenied("conflict_of_interest")
        if self.status != Dossier.Status.UNDER_REVIEW:
            return DomainError(gettext_lazy("Ce dossier est %(status)s : il ne reçoit pas "
                                            "d'avis.") % {"status": self.dossier.
                                                          get_status_display()},
                               code="not_under_review", status=409)
        if self.reviewed:
            return DomainError(gettext_lazy("Vous avez déjà rendu votre avis sur ce dossier."),
                               code="already_reviewed", status=409)
        return None

    def _deny_declare(self):
        """Reviewers of the call's funder declare once per submitted dossier."""
        if not self.funder_reviewer:
            return AccessDenied("declare")
        if not self.reviews:
            return _not_submitted()
        if self.declaration is not None:
            return DomainError(gettext_lazy("Vous avez déjà fait votre déclaration pour ce "
                                            "dossier."), code="already_declared", status=409)
        return None

    def _deny_download_attestation(self):
        """The collective's members, the funder's reviewers who opened it (no conflict
        declared), staff. Others do not learn there is one: 404."""
        if self.is_member or (self.reviews and self.declared and not self.declaration):
            return None
        if self.must_declare:
            return AccessDenied("declaration_required")
        return Http404()


def already_decided_error():
    return DomainError(gettext_lazy("Ce dossier a déjà reçu sa décision."),
                       code="already_decided", status=409)


def _not_submitted():
    return DomainError(gettext_lazy("Ce dossier n'est pas déposé."), code="not_submitted",
                       status=409)


ACCESS_FIELDS = ("access_role", "access_funder_reviewer", "access_declaration",
                 "access_reviewed")


def with_access(dossiers, user):
    """Annotate what `DossierAccess` reads, so that it costs no query of its own."""
    if not user.is_authenticated or not user.is_active:
        return dossiers
    return dossiers.annotate(
        access_role=Subquery(Membership.objects.filter(
            collective=OuterRef("cluster__collective"), user=user).order_by().values(
            "role")[:1]),
        access_funder_reviewer=Exists(FunderMember.objects.filter(
            funder=OuterRef("call__funder"), user=user)),
        access_declaration=Subquery(ConflictDeclaration.objects.filter(
            dossier=OuterRef("pk"), reviewer=user).values("has_conflict")[:1],
            output_field=BooleanField()),
        access_reviewed=Exists(Review.objects.filter(dossier=OuterRef("pk"), reviewer=user)),
    )


def dossier_access(user, pk):
    """Return the dossier the person may read (else 404) and what they may do on it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Dossier introuvable.") from None
    if not user.is_authenticated or not user.is_active:
        raise Http404("Dossier introuvable.")
    # Read who the person is once (the annotations), not again through visible_dossiers.
    dossier = with_access(Dossier.objects.select_related(
        "call__funder", "cluster__collective", "cluster__territory").defer(
        "cluster__territory__perimeter_codes"), user).filter(pk=pk).first()
    access = dossier and DossierAccess.from_row(dossier, user)
    if access is None or not access.visible:
        raise Http404("Dossier introuvable.")
    return access


def dossiers_for_reviewer(user):
    """Return the dossiers submitted to the calls of the person's funders, drafts never,
    those they declared a conflict with never; every submitted dossier for staff."""
    if not user.is_authenticated or not user.is_active:
        return Dossier.objects.none()
    submitted = Dossier.objects.exclude(status=Dossier.Status.DRAFT)
    if user.is_staff:
        return narrow_to_token_scope(submitted, user, **DOSSIER_PATHS)
    return narrow_to_token_scope(submitted.filter(
        call__funder__in=Funder.objects.filter(members__user=user)).exclude(
        pk__in=ConflictDeclaration.objects.filter(reviewer=user, has_conflict=True)
        .values("dossier")), user, **DOSSIER_PATHS)


# Funders: webhooks for its reviewers, calls and people for its admins and staff; other people
# signed in get 403, an unknown funder 404.


ADMINISTERS = ("staff", FunderMember.Role.ADMIN)


@dataclass(frozen=True)
class FunderAccess(_Access):
    """A funder and whether the person reviews for it, or administers it (staff: "staff")."""

    funder: Funder
    role: str | None = None  # "staff", FunderMember.Role ("reviewer", "admin") or None
    call: Call | None = None  # the call of the funder the page is about, if any

    @classmethod
    def of(cls, user, funder):
        if not user.is_authenticated or not user.is_active:
            return cls(funder=funder)
        if token_limit(user) and not reaches_funder(user, funder.pk):
            return cls(funder=funder)
        if user.is_staff:
            return cls(funder=funder, role="staff")
        return cls(funder=funder, role=FunderMember.objects.filter(
            funder=funder, user=user).values_list("role", flat=True).first())

    can_manage_webhooks = _may(FunderRight.MANAGE_WEBHOOKS)
    can_manage_calls = _may(FunderRight.MANAGE_CALLS)
    can_manage_reviewers = _may(FunderRight.MANAGE_REVIEWERS)

    def _deny_manage_reviewers(self):
        """The funder's admin members and staff invite and remove its people."""
        return None if self.role in ADMINISTERS else AccessDenied("manage_reviewers")

    def _deny_manage_webhooks(self):
        """The funder's reviewers and staff manage its webhooks."""
        return None if self.role else AccessDenied("manage_webhooks")

    def _deny_manage_calls(self):
        """Staff manage every funder's calls; a funder's administrators, its own."""
        return None if self.role in ADMINISTERS else AccessDenied("manage_calls")


def funder_access(user, slug):
    """Return the funder (404 if unknown) with what the person may do on it."""
    funder = Funder.objects.filter(slug=slug).first()
    if funder is None:
        raise Http404("Financeur introuvable.")
    return FunderAccess.of(user, funder)


def managed_funders(user):
    """Return the funders whose webhooks the person manages: their own, every one for staff."""
    if not user.is_authenticated or not user.is_active:
        return Funder.objects.none()
    funders = Funder.objects.all() if user.is_staff else Funder.objects.filter(
        members__user=user)
    return narrow_to_token_scope(funders, user, funder_path="pk")
