"""Pages of the project community (step 2): its people, its meetings, who comes and who
drifts away."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from projects.breadcrumbs import community_trail
from projects.forms import (
    CommunityLeaveForm,
    CommunityMeetingForm,
    CommunityMemberForm,
    CommunityPeriodForm,
)
from projects.models import CommunityMeeting, CommunityMember
from projects.permissions import projects_access
from projects.selectors import (
    community_meetings,
    community_members,
    community_overview,
    drifting_members,
    meetings_held,
    participation_by_month,
)
from projects.services import (
    community_meeting_save,
    community_member_leave,
    community_member_save,
)
from territories.pages import form_page
from territories.paging import page_of

PAGE_SIZE = 25


def _community_of(request, cluster_pk):
    """Return the cluster if the person works on its community; 404 for outsiders."""
    return projects_access(request.user, cluster_pk).require("work_on").cluster


@login_required
def community_view(request, cluster_pk):
    cluster = _community_of(request, cluster_pk)
    today = timezone.localdate()
    period = CommunityPeriodForm(request.GET or None)
    weeks, months = period.period()
    held = meetings_held(cluster, today=today)
    drifting = page_of(request, drifting_members(cluster, weeks=weeks, today=today),
                       per_page=PAGE_SIZE, param="absents")
    return render(request, "projects/community.html", {
        "breadcrumbs": community_trail(cluster),
        "cluster": cluster, "today": today, "period": period, "weeks": weeks, "months": months,
        "overview": community_overview(cluster, today=today),
        "drifting": drifting, "drifting_page": drifting,
        "query": urlencode({"semaines": weeks, "mois": months}),
        "participation": participation_by_month(
            cluster, months=months, today=today,
            paginate=lambda members: page_of(request, members, per_page=PAGE_SIZE,
                                             param="participants")),
        "meetings_held": held,
        "chart": {
            "labels": [date_format(meeting.held_on, "SHORT_DATE_FORMAT") for meeting in held],
            "titles": [meeting.title for meeting in held],
            "values": [meeting.attendee_count for meeting in held],
            "label": _("Présent·es"),
        },
    })


@login_required
def community_member_list_view(request, cluster_pk):
    cluster = _community_of(request, cluster_pk)
    include_departed = request.GET.get("departs") == "1"
    members = community_members(cluster, include_departed=include_departed)
    page = page_of(request, members, per_page=PAGE_SIZE)
    return render(request, "projects/community_members.html", {
        "breadcrumbs": community_trail(cluster, _("Personnes")),
        "cluster": cluster, "page": page, "include_departed": include_departed,
        "query": "departs=1" if include_departed else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def community_member_edit_view(request, cluster_pk, member_pk=None):
    cluster = _community_of(request, cluster_pk)
    if member_pk is None:
        member = CommunityMember(cluster=cluster, joined_on=timezone.localdate())
    else:
        member = get_object_or_404(CommunityMember.objects.select_related("actor"),
                                   pk=member_pk, cluster=cluster)
    form = CommunityMemberForm(request.POST or None, instance=member, cluster=cluster)
    members_url = reverse("projects:community_members", args=[cluster.pk])
    return form_page(
        request, form,
        action=lambda data: community_member_save(member=member, fields=data, by=request.user),
        success=lambda saved: _("« %(name)s » est enregistré·e dans la communauté.")
        % {"name": saved.name},
        next=members_url, template="projects/community_member_form.html", context={
            "breadcrumbs": community_trail(cluster, (_("Personnes"), members_url),
                                           _("Modifier") if member.pk else _("Ajouter")),
            "cluster": cluster, "form": form, "member": member,
        })


@login_required
@require_http_methods(["GET", "POST"])
def community_member_leave_view(request, cluster_pk, member_pk):
    cluster = _community_of(request, cluster_pk)
    member = get_object_or_404(CommunityMember, pk=member_pk, cluster=cluster)
    form = CommunityLeaveForm(request.POST or None,
                              initial={"left_on": timezone.localdate()})
    members_url = reverse("projects:community_members", args=[cluster.pk])
    return form_page(
        request, form,
        action=lambda data: community_member_leave(member=member, left_on=data["left_on"],
                                                   by=request.user),
        success=_("%(name)s ne fait plus partie de la communauté active ; sa participation "
                  "passée reste dans l'historique.") % {"name": member.name},
        next=members_url, template="projects/community_member_leave.html", context={
            "cluster": cluster, "form": form, "member": member,
            "breadcrumbs": community_trail(cluster, (_("Personnes"), members_url),
                                           _("Départ")),
        })


@login_required
def community_meeting_list_view(request, cluster_pk):
    cluster = _community_of(request, cluster_pk)
    page = page_of(request, community_meetings(cluster), per_page=PAGE_SIZE)
    return render(request, "projects/community_meetings.html", {
        "breadcrumbs": community_trail(cluster, _("Rencontres")),
        "cluster": cluster, "page": page, "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def community_meeting_edit_view(request, cluster_pk, meeting_pk=None):
    cluster = _community_of(request, cluster_pk)
    if meeting_pk is None:
        meeting = CommunityMeeting(cluster=cluster, held_on=timezone.localdate())
    else:
        meeting = get_object_or_404(CommunityMeeting, pk=meeting_pk, cluster=cluster)
    form = CommunityMeetingForm(request.POST or None, instance=meeting, cluster=cluster)
    meetings_url = reverse("projects:community_meetings", args=[cluster.pk])
    return form_page(
        request, form,
        action=lambda data: community_meeting_save(
            meeting=meeting, fields={name: data[name] for name in form.Meta.fields},
            attendee_ids=[member.pk for member in data["attendees"]], by=request.user),
        success=lambda saved: _("La rencontre « %(title)s » est enregistrée.")
        % {"title": saved.title},
        next=meetings_url, template="projects/community_meeting_form.html", context={
            "breadcrumbs": community_trail(cluster, (_("Rencontres"), meetings_url),
                                           _("Modifier") if meeting.pk else _("Nouvelle")),
            "has_members": form.fields["attendees"].queryset.exists(),
            "cluster": cluster, "form": form, "meeting": meeting,
            "today": timezone.localdate(),
        })
