"""Who may see or change what in the funding app: one helper per object type.

Catalogue and funding plans: the catalogue of sources is public; staff change it
through the admin. A cluster's funding plans are read by the members of its
collective and by staff; the collective's facilitators and staff change them
(create a plan, its budget lines and contributions): a plan commits the collective
towards its funders, so the people who steer the cluster keep it. Anyone else gets
a 404: they must not learn the plan exists.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cluster.models import Collective, Membership
from cluster.permissions import can_steer, get_cluster_for_reading, role_in, visible_clusters
from funding.models import (
    Call,
    ConflictDeclaration,
    Dossier,
    Funder,
    FunderMember,
    FundingPlan,
)
from territories.token_scope import narrow_to_token_scope

# Catalogue and funding plans -------------------------------------------------------------


def visible_plans(user):
    """Return the plans the person may read: those of the clusters they may read."""
    return FundingPlan.objects.filter(cluster__in=visible_clusters(user))


def get_plan_for_reading(user, cluster_pk, plan_pk):
    """Return the cluster (the person may read it) and its plan, or 404."""
    cluster = get_cluster_for_reading(user, cluster_pk)
    plan = FundingPlan.objects.select_related("project").filter(
        cluster=cluster, pk=plan_pk).first()
    if plan is None:
        raise Http404("Plan de financement introuvable.")
    plan.cluster = cluster
    return cluster, plan


def can_change_plans(user, cluster):
    """Facilitators of the cluster's collective and staff change its funding plans."""
    return can_steer(user, cluster)


def require_plan_changes(user, cluster):
    if not can_change_plans(user, cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif modifient ses plans de "
                               "financement.")


# Calls and dossiers ------------------------------------------------------------------------

# While a dossier is in one of these, its collective edits it; otherwise it is frozen.
EDITABLE_STATUSES = (Dossier.Status.DRAFT, Dossier.Status.MORE_INFO)


def visible_calls(user, now=None):
    """Return the calls the person may read: opened ones for all, every one for staff."""
    if user.is_authenticated and user.is_active and user.is_staff:
        return Call.objects.all()
    return Call.objects.filter(opens_at__lte=now or timezone.now())


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


def get_dossier_for_reading(user, pk):
    dossier = visible_dossiers(user).select_related(
        "call__funder", "cluster__collective", "cluster__territory").filter(pk=pk).first()
    if dossier is None:
        raise Http404("Dossier introuvable.")
    return dossier


def is_reviewer_of(user, funder):
    """Return whether the person reviews dossiers on behalf of the funder."""
    if not user.is_authenticated or not user.is_active:
        return False
    return FunderMember.objects.filter(user=user, funder=funder).exists()


def is_dossier_member(user, dossier):
    """Members of the dossier's collective (facilitators included) and staff."""
    return role_in(user, dossier.cluster) is not None


def can_start_dossier(user, cluster):
    """Facilitators of the cluster's collective and staff start its dossiers."""
    return can_steer(user, cluster)


def require_dossier_start(user, cluster):
    if not can_start_dossier(user, cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif préparent un nouveau "
                               "dossier.")


def can_edit_dossier(user, dossier):
    """Every member of the collective edits the dossier while it is open to changes."""
    return dossier.status in EDITABLE_STATUSES and is_dossier_member(user, dossier)


def require_dossier_edit(user, dossier):
    if not is_dossier_member(user, dossier):
        raise PermissionDenied("Seuls les membres du collectif modifient son dossier.")


def can_submit_dossier(user, dossier):
    """Submitting commits the collective: its facilitators and staff do it."""
    return dossier.status in EDITABLE_STATUSES and can_steer(user, dossier.cluster)


def require_dossier_submit(user, dossier):
    if not can_steer(user, dossier.cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif déposent son dossier.")


def can_review_dossier(user, dossier):
    """Reviewers of the call's funder and staff move a submitted dossier through the review.

    Conflict-of-interest declarations come on top of this rule.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if dossier.status == Dossier.Status.DRAFT:
        return False
    return user.is_staff or is_reviewer_of(user, dossier.call.funder)


def require_dossier_review(user, dossier):
    if not can_review_dossier(user, dossier):
        raise PermissionDenied("Seuls les instructeur·rices du financeur de l'appel et "
                               "l'équipe nationale instruisent ce dossier.")


# Reviews, conflicts of interest, decisions -----------------------------------------------
#
# A reviewer of the call's funder declares, before opening a submitted dossier, whether
# they have a conflict of interest. Until then they see only its id, call, title, status
# and submission date; a declared conflict hides the dossier from them entirely. Staff
# and the collective's own members never declare.

DECLARE_FIRST = ("Déclarez d'abord si vous avez un conflit d'intérêts avec ce dossier : "
                 "son contenu s'ouvre ensuite.")
IN_CONFLICT = gettext_lazy("Vous avez un conflit d'intérêts avec ce dossier, déclaré ou parce "
                           "que vous êtes membre du collectif : vous ne l'instruisez pas.")
# A declaration is a yes or a no said out loud: an empty form is neither.
CHOICE_REQUIRED = gettext_lazy("Dites si vous avez un conflit d'intérêts avec ce dossier : "
                               "oui ou non.")


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


def with_declaration_state(dossiers, user):
    """Annotate `must_declare`: the person reviews the dossier and has not declared yet."""
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return dossiers.annotate(must_declare=Value(False, output_field=BooleanField()))
    member = Exists(Membership.objects.filter(collective=OuterRef("cluster__collective"),
                                              user=user))
    declared = Exists(ConflictDeclaration.objects.filter(dossier=OuterRef("pk"),
                                                         reviewer=user))
    return dossiers.annotate(must_declare=Case(When(member | declared, then=Value(False)),
                                               default=Value(True),
                                               output_field=BooleanField()))


@dataclass(frozen=True)
class ReviewerStanding:
    """Where a person stands, as a reviewer, towards one dossier.

    `reviews`: staff, or a reviewer of the call's funder, and the dossier is submitted.
    `declared`: they said whether they have a conflict of interest (staff never say).
    `conflict`: they declared one, or they belong to the collective: they never judge
    their own dossier.
    """

    reviews: bool = False
    declared: bool = False
    conflict: bool = False

    @property
    def must_declare(self):
        """A reviewer who must declare before opening the dossier: they read only its title,
        call, status and date, and are sent to the declaration."""
        return self.reviews and not self.declared and not self.conflict

    @property
    def may_act(self):
        """Take into review, ask for more, review, decide: declared and without conflict."""
        return self.reviews and self.declared and not self.conflict


def reviewer_standing(user, dossier):
    """Return what the person may do on the dossier as a reviewer: pages and API ask here."""
    if not user.is_authenticated or not user.is_active or dossier.status == Dossier.Status.DRAFT:
        return ReviewerStanding()
    if user.is_staff:
        return ReviewerStanding(reviews=True, declared=True)
    if not is_reviewer_of(user, dossier.call.funder):
        return ReviewerStanding()
    declaration = ConflictDeclaration.objects.filter(dossier=dossier, reviewer=user).first()
    return ReviewerStanding(
        reviews=True, declared=declaration is not None,
        conflict=is_dossier_member(user, dossier)
        or (declaration is not None and declaration.has_conflict))


def must_declare(user, dossier):
    """Return whether the person, a reviewer, must declare before opening the dossier."""
    return reviewer_standing(user, dossier).must_declare


def require_declared(user, dossier):
    if must_declare(user, dossier):
        raise PermissionDenied(DECLARE_FIRST)


def require_reviewer_action(user, dossier):
    """Refuse a review action (take into review, ask for more, review, decide) to a person
    who has not declared or has a conflict; the caller checked they review the call."""
    standing = reviewer_standing(user, dossier)
    if standing.must_declare:
        raise PermissionDenied(DECLARE_FIRST)
    if not standing.may_act:
        raise PermissionDenied(str(IN_CONFLICT))


def can_declare_conflict(user, dossier):
    """Reviewers of the call's funder declare once per submitted dossier."""
    return (dossier.status != Dossier.Status.DRAFT
            and is_reviewer_of(user, dossier.call.funder)
            and not ConflictDeclaration.objects.filter(dossier=dossier, reviewer=user).exists())


def can_write_review(user, dossier):
    """A reviewer of the call's funder without conflict, once, while the dossier is under
    review."""
    return (dossier.status == Dossier.Status.UNDER_REVIEW
            and is_reviewer_of(user, dossier.call.funder)
            and ConflictDeclaration.objects.filter(dossier=dossier, reviewer=user,
                                                   has_conflict=False).exists()
            and not dossier.reviews.filter(reviewer=user).exists())


def can_decide(user, dossier):
    """Reviewers of the call's funder (without conflict) and staff decide, once."""
    if dossier.status != Dossier.Status.UNDER_REVIEW or not can_review_dossier(user, dossier):
        return False
    return user.is_staff or ConflictDeclaration.objects.filter(
        dossier=dossier, reviewer=user, has_conflict=False).exists()


def can_download_attestation(user, dossier):
    """The collective's members, the funder's reviewers who opened the dossier, staff."""
    if is_dossier_member(user, dossier) or (user.is_authenticated and user.is_staff):
        return True
    return dossiers_for_reviewer(user).filter(pk=dossier.pk).exists() and not must_declare(
        user, dossier)
