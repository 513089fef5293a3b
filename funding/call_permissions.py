"""Who manages calls: the national team (staff) every funder's, a funder's administrators
their funder's only, without staff rights.

`calls_access(user)` returns a `CallsAccess`: the funders whose calls the person manages;
with `pk`, one of their calls too (404 if unknown, 403 if it belongs to another funder).
The back-office pages and the API ask it, and nothing else.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from funding.models import Call, Dossier, Funder, FunderMember
from funding.permissions import AccessDenied, FunderAccess, FunderRight, dossiers_for_reviewer
from territories.token_scope import narrow_to_token_scope


def managed_call_funders(user):
    """Return the funders whose calls the person manages: every one for staff."""
    if not user.is_authenticated or not user.is_active:
        return Funder.objects.none()
    funders = Funder.objects.all() if user.is_staff else Funder.objects.filter(
        members__user=user, members__role=FunderMember.Role.ADMIN)
    return narrow_to_token_scope(funders, user, funder_path="pk")


@dataclass(frozen=True)
class CallsAccess(FunderAccess):
    """The funders whose calls the person manages, and the call the page is about.

    `funders`: a queryset; `role`: "staff", "admin" (of at least one funder) or None.
    """

    funder: Funder | None = None
    funders: QuerySet | None = None

    @property
    def calls(self):
        """The calls the person manages, drafts included."""
        return Call.objects.filter(funder__in=self.funders)

    def dossiers(self, user):
        """Every dossier for staff; a funder's administrator, those submitted to its calls
        (a declared conflict hides one, as for reviewers)."""
        if self.role == "staff":
            return narrow_to_token_scope(Dossier.objects.all(), user,
                                         collective_path="cluster__collective",
                                         funder_path="call__funder")
        return dossiers_for_reviewer(user).filter(call__funder__in=self.funders)

    def _deny_manage_calls(self):
        if self.role is None:
            return AccessDenied("manage_calls")
        return None


def calls_access(user, pk=None):
    """Return what the person may do with calls; with `pk`, the call too (404 if unknown;
    a call of a funder they do not manage: 403)."""
    funders = managed_call_funders(user)
    staff = user.is_authenticated and user.is_active and user.is_staff
    role = "staff" if staff else (FunderMember.Role.ADMIN if funders.exists() else None)
    if pk is None:
        return CallsAccess(funders=funders, role=role)
    call = Call.objects.select_related("funder").filter(pk=pk).first() if str(
        pk).isdigit() else None
    if call is None:
        raise Http404("Appel introuvable.")
    if role is not None and not funders.filter(pk=call.funder_id).exists():
        role = None  # another funder's call (or one beyond the reach of the API token)
    return CallsAccess(funders=funders, role=role, funder=call.funder, call=call)


__all__ = ["CallsAccess", "FunderRight", "calls_access", "managed_call_funders"]
