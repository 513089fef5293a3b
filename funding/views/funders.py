"""A funder's people, managed by the national team or the funder's own admin members: list,
invite a reviewer by e-mail, resend or cancel the invitation, remove one; and the page where
an invited person accepts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster.account_adapter import INVITED_SIGNUP_KEY
from cluster.errors import DomainError
from funding.forms import FunderInvitationForm
from funding.models import Funder, FunderInvitation, FunderMember
from funding.permissions import FunderRight, funder_access
from funding.services.funders import (
    funder_invitation_accept,
    funder_invitation_cancel,
    funder_invitation_check,
    funder_invitation_create,
    funder_invitation_for_token,
    funder_invitation_resend,
    funder_member_remove,
    funder_member_set_role,
)
from territories.choices import with_labels
from territories.grammar import de
from territories.pages import confirm_page, form_page, render_form, run_action
from territories.paging import page_of
from territories.permissions import national_access

PAGE_SIZE = 25


@login_required
@require_GET
def funder_list(request):
    """Every funder, with how many people review for it: the national team's entry."""
    national_access(request.user).require("coordinate")
    funders = Funder.objects.annotate(
        member_count=Count("members"),
        admin_count=Count("members", filter=Q(members__role=FunderMember.Role.ADMIN)),
    ).order_by("name")
    page = page_of(request, funders, per_page=PAGE_SIZE)
    with_labels(page, "kind", Funder.Kind.choices)
    return render(request, "funding/funder_list.html", {"page": page, "section": "funders"})


@login_required
@require_GET
def funder_people(request, slug):
    """The funder's members and its invitations still pending."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_REVIEWERS)
    funder = access.funder
    members = funder.members.select_related("user").order_by(
        "role", "user__last_name", "user__first_name", "user__email")
    pending = funder.invitations.filter(accepted_at=None, revoked_at=None).select_related(
        "invited_by")
    return render(request, "funding/funder_people.html", {
        "funder": funder, "members": members, "pending": pending,
        "is_national": national_access(request.user).can_coordinate, "now": timezone.now(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def funder_invite(request, slug):
    """Invite a reviewer by e-mail."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_REVIEWERS)
    funder = access.funder
    form = FunderInvitationForm(request.POST or None)
    return form_page(
        request, form,
        action=lambda data: funder_invitation_create(funder=funder, email=data["email"],
                                                     by=request.user),
        success=lambda result: _("Invitation envoyée à %(email)s.") % {
            "email": result[0].email},
        next=reverse("funding:funder_people", args=[funder.slug]),
        template="funding/funder_invite.html", context={"funder": funder, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def funder_member_remove_view(request, slug, pk):
    """Confirm, then remove a person from the funder's people."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_REVIEWERS)
    member = get_object_or_404(FunderMember.objects.select_related("user", "funder"),
                               funder=access.funder, pk=pk)
    return confirm_page(
        request, action=lambda: funder_member_remove(member=member, by=request.user),
        success=_("%(person)s ne fait plus partie des instructeur·rices %(of_funder)s.") % {
            "person": member.user.get_full_name() or member.user.email,
            "of_funder": de(access.funder.name)},
        next=reverse("funding:funder_people", args=[access.funder.slug]),
        template="funding/funder_member_remove.html",
        context={"funder": access.funder, "member": member})


@login_required
@require_POST
def funder_member_role_view(request, slug, pk):
    """Make a member an admin of the funder, or a plain reviewer again."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_REVIEWERS)
    member = get_object_or_404(FunderMember.objects.select_related("user", "funder"),
                               funder=access.funder, pk=pk)
    run_action(request, lambda: funder_member_set_role(
        member=member, role=request.POST.get("role"), by=request.user),
        success=lambda changed: _("%(person)s est maintenant %(role)s.") % {
            "person": changed.user.get_full_name() or changed.user.email,
            "role": changed.get_role_display()})
    return redirect("funding:funder_people", slug=access.funder.slug)


def _managed_invitation(request, slug, pk):
    """The invitation of a funder whose people the person manages (403 if not theirs; an
    invitation of another funder is not found here: 404)."""
    access = funder_access(request.user, slug)
    access.require(FunderRight.MANAGE_REVIEWERS)
    invitation = get_object_or_404(FunderInvitation.objects.select_related("funder"),
                                   funder=access.funder, pk=pk)
    return access.funder, invitation


@login_required
@require_POST
def funder_invitation_resend_view(request, slug, pk):
    """Send a pending invitation again, with a new link valid for as long as a new one."""
    funder, invitation = _managed_invitation(request, slug, pk)
    run_action(request, lambda: funder_invitation_resend(invitation=invitation, by=request.user),
               success=_("Invitation renvoyée à %(email)s, avec un nouveau lien : le précédent "
                         "ne fonctionne plus.") % {"email": invitation.email})
    return redirect("funding:funder_people", slug=funder.slug)


@login_required
@require_http_methods(["GET", "POST"])
def funder_invitation_cancel_view(request, slug, pk):
    """Confirm, then cancel a pending invitation: its link stops working."""
    funder, invitation = _managed_invitation(request, slug, pk)
    return confirm_page(
        request, action=lambda: funder_invitation_cancel(invitation=invitation, by=request.user),
        success=_("L'invitation de %(email)s est annulée : son lien ne fonctionne plus.")
        % {"email": invitation.email},
        next=reverse("funding:funder_people", args=[funder.slug]),
        template="funding/funder_invitation_cancel.html",
        context={"funder": funder, "invitation": invitation})


@require_http_methods(["GET", "POST"])
def funder_invitation_accept_view(request, token):
    """Show a funder's invitation to whoever holds its link; accept it once signed in.

    A person without an account signs up first (e-mail confirmed), then comes back here
    through `next`.
    """
    invitation = funder_invitation_for_token(token)
    try:
        funder_invitation_check(invitation)
    except DomainError as error:
        return render(request, "funding/funder_invitation_invalid.html",
                      {"error": error.message}, status=error.status)
    context = {"invitation": invitation, "funder": invitation.funder}
    if not request.user.is_authenticated:
        request.session[INVITED_SIGNUP_KEY] = True
    if request.method == "POST" and request.user.is_authenticated:
        try:
            funder_invitation_accept(token=token, user=request.user)
        except DomainError as error:
            return render(request, "funding/funder_invitation_accept.html",
                          {**context, "error": error.message}, status=error.status)
        messages.success(request, _("Bienvenue ! Vous instruisez maintenant les dossiers "
                                    "%(of_funder)s.") % {"of_funder": de(invitation.funder.name)})
        return redirect("funding:review_list")
    return render_form(request, "funding/funder_invitation_accept.html", context)
