"""Pages of a collectif porteur: its people, invitations, member actors and clusters."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cluster.breadcrumbs import collective_trail
from cluster.errors import DomainError
from cluster.forms import (
    CollectiveActorForm,
    InvitationForm,
    InvitationSignupForm,
    MembershipRoleForm,
)
from cluster.models import CollectiveActor, Invitation, Membership, User
from cluster.permissions import collective_access
from cluster.selectors import (
    actors_available_to,
    actors_by_family,
    collective_actor_links,
    collective_people,
    family_counts,
    invitation_for_token,
    open_invitations,
)
from cluster.services import (
    collective_actor_add,
    collective_actor_remove,
    invitation_accept,
    invitation_accept_with_new_account,
    invitation_check,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    is_last_facilitator,
    membership_leave,
    membership_remove,
    membership_set_role,
)
from territories.pages import add_refusal, confirm_page, form_page, render_form, run_action
from territories.paging import page_of

PEOPLE_PER_PAGE = 50
ACTORS_PER_PAGE = 100


def _managed_collective(request, slug):
    """Return the collective if the person manages it: 404 if they may not read it, else 403."""
    return collective_access(request.user, slug).require("manage").collective


# The collective's page -----------------------------------------------------------------------

@login_required
def collective_detail(request, slug):
    access = collective_access(request.user, slug)
    collective = access.collective
    people = page_of(request, collective_people(collective), per_page=PEOPLE_PER_PAGE)
    families = family_counts(collective)
    actors = page_of(request, collective_actor_links(collective), per_page=ACTORS_PER_PAGE,
                     param="acteurs", count=sum(families.values()))
    return render(request, "cluster/collective_detail.html", {
        "collective": collective,
        "access": access,
        "my_membership": collective.memberships.filter(user=request.user).first(),
        "page": people,
        "facilitator_count": collective.memberships.filter(
            role=Membership.Role.FACILITATOR).count(),
        "families": actors_by_family(actors), "actor_page": actors,
        "family_count": len(families), "actor_count": actors.paginator.count,
        "clusters": collective.clusters.select_related("territory").order_by("territory__name"),
        "invitations": open_invitations(collective) if access.can_manage else None,
        "roles": Membership.Role.choices,
        "now": timezone.now(),
    })


# Invitations -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def invitation_create_view(request, slug):
    collective = _managed_collective(request, slug)
    form = InvitationForm(request.POST or None)
    pending = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _secret = invitation_create(collective=collective, by=request.user,
                                                    **form.cleaned_data)
        except DomainError as error:
            if error.code == "already_invited":
                pending = open_invitations(collective).filter(
                    email__iexact=form.cleaned_data["email"].strip()).first()
            add_refusal(form, error)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s. Le lien est valable "
                                        "jusqu'au %(date)s.") % {
                "email": invitation.email,
                "date": formats.date_format(timezone.localtime(invitation.expires_at),
                                           "SHORT_DATE_FORMAT")})
            return redirect("collective_detail", slug=collective.slug)
    return render_form(request, "cluster/invitation_form.html", {
        "breadcrumbs": collective_trail(collective, _("Inviter une personne")),
        "collective": collective, "form": form, "pending": pending,
    })


@login_required
@require_POST
def invitation_resend_view(request, slug, pk):
    collective = _managed_collective(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, collective=collective)
    run_action(request, lambda: invitation_resend(invitation=invitation, by=request.user),
               success=_("Invitation renvoyée à %(email)s, avec un nouveau lien : le précédent "
                         "ne fonctionne plus.") % {"email": invitation.email})
    return redirect("collective_detail", slug=collective.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke_view(request, slug, pk):
    collective = _managed_collective(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, collective=collective)
    return confirm_page(
        request, action=lambda: invitation_revoke(invitation=invitation, by=request.user),
        success=_("L'invitation de %(email)s est annulée : son lien ne fonctionne plus.")
        % {"email": invitation.email},
        next=reverse("collective_detail", args=[collective.slug]),
        template="cluster/invitation_revoke.html", context={
            "collective": collective, "invitation": invitation,
            "breadcrumbs": collective_trail(collective, _("Annuler une invitation")),
        })


def _invitation_page(request, token, invitation, *, form=None, error=None, status=200):
    user = request.user
    return render(request, "cluster/invitation_accept.html", {
        "token": token, "invitation": invitation, "collective": invitation.collective,
        "form": form, "error": error,
        "already_member": user.is_authenticated
        and invitation.collective.memberships.filter(user=user).exists(),
        "other_address": user.is_authenticated and user.email != invitation.email,
        "account_exists": not user.is_authenticated
        and User.objects.filter(email__iexact=invitation.email).exists(),
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    """Show an invitation to whoever holds its link; accept it, with a new account if need be."""
    invitation = invitation_for_token(token)
    try:
        invitation_check(invitation)
    except DomainError as error:
        return render(request, "cluster/invitation_invalid.html", {
            "error": error.message, "code": error.code,
            # The holder of a used, expired or cancelled link may see which collective it was
            # for; an unknown link says nothing.
            "invitation": invitation,
            "is_member": invitation is not None and request.user.is_authenticated
            and invitation.collective.memberships.filter(user=request.user).exists(),
        }, status=error.status)
    if request.method == "GET":
        form = None if request.user.is_authenticated else InvitationSignupForm(
            email=invitation.email)
        return _invitation_page(request, token, invitation, form=form)
    if request.user.is_authenticated:
        try:
            membership = invitation_accept(token=token, user=request.user)
        except DomainError as error:
            return _invitation_page(request, token, invitation, error=error.message,
                                    status=error.status)
    else:
        form = InvitationSignupForm(request.POST, email=invitation.email)
        if not form.is_valid():
            return _invitation_page(request, token, invitation, form=form, status=400)
        try:
            membership = invitation_accept_with_new_account(
                token=token, first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"])
        except DomainError as error:
            return _invitation_page(request, token, invitation, form=form,
                                    error=error.message, status=error.status)
        # The account was just made with the password typed here: no need to authenticate.
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Bienvenue ! Vous avez rejoint %(name)s avec le rôle "
                                "« %(role)s ».") % {"name": invitation.collective.name,
                                                "role": membership.get_role_display()})
    return redirect("collective_detail", slug=invitation.collective.slug)


# People: leaving, removal, roles ---------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def collective_leave(request, slug):
    collective = collective_access(request.user, slug).collective
    membership = get_object_or_404(Membership, collective=collective, user=request.user)
    return confirm_page(
        request, action=lambda: membership_leave(membership=membership),
        success=_("Vous avez quitté %(name)s.") % {"name": collective.name},
        next="home", template="cluster/collective_leave.html", context={
            "collective": collective, "membership": membership,
            "breadcrumbs": collective_trail(collective, _("Quitter")),
            "last_facilitator": is_last_facilitator(membership),
        })


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove_view(request, slug, pk):
    collective = _managed_collective(request, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk,
                                   collective=collective)
    leaves = membership.user == request.user and not request.user.is_staff
    return confirm_page(
        request, action=lambda: membership_remove(membership=membership, by=request.user),
        success=_("%(person)s ne fait plus partie du collectif.") % {"person": membership.user},
        next="home" if leaves else reverse("collective_detail", args=[collective.slug]),
        template="cluster/collective_member_remove.html", context={
            "collective": collective, "membership": membership,
            "breadcrumbs": collective_trail(collective, _("Retirer une personne")),
            "last_facilitator": is_last_facilitator(membership),
        })


@login_required
@require_POST
def membership_role_view(request, slug, pk):
    collective = _managed_collective(request, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk,
                                   collective=collective)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rôle inconnu : choisissez animateur·rice ou membre."))
        return redirect("collective_detail", slug=collective.slug)
    run_action(request, lambda: membership_set_role(
        membership=membership, role=form.cleaned_data["role"], by=request.user),
        success=lambda changed: _("%(person)s est maintenant %(role)s.") % {
            "person": changed.user, "role": changed.get_role_display()})
    return redirect("collective_detail", slug=collective.slug)


# Member actors -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def collective_actor_add_view(request, slug):
    collective = _managed_collective(request, slug)
    actors = actors_available_to(collective)
    form = CollectiveActorForm(request.POST or None, actors=actors)
    return form_page(
        request, form,
        action=lambda data: collective_actor_add(collective=collective, **data),
        success=lambda link: _("%(actor)s fait maintenant partie du collectif.")
        % {"actor": link.actor.name},
        next=reverse("collective_detail", args=[collective.slug]),
        template="cluster/collective_actor_form.html", context={
            "breadcrumbs": collective_trail(collective, _("Ajouter un acteur")),
            "collective": collective, "form": form,
            "has_actors": bool(form.errors) or actors.exists(),
            "clusters": collective.clusters.select_related("territory"),
        })


@login_required
@require_http_methods(["GET", "POST"])
def collective_actor_remove_view(request, slug, pk):
    collective = _managed_collective(request, slug)
    link = get_object_or_404(CollectiveActor.objects.select_related("actor"), pk=pk,
                             collective=collective)
    if request.method == "POST":
        collective_actor_remove(link=link)
        messages.success(request, _("%(actor)s ne fait plus partie du collectif.")
                         % {"actor": link.actor.name})
        return redirect("collective_detail", slug=collective.slug)
    return render(request, "cluster/collective_actor_remove.html", {
        "collective": collective, "link": link,
        "breadcrumbs": collective_trail(collective, _("Retirer un acteur")),
    })
