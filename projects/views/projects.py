"""Pages of projects: the board, the list, the project page (public once published),
editing, stage moves, prototype decisions, essaimage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster.permissions import steered_clusters
from projects.breadcrumbs import projects_trail
from projects.filters import ProjectFilter
from projects.forms import ProjectForm, PrototypeDecisionForm, ReplicationForm, StageMoveForm
from projects.models import Project
from projects.permissions import project_access, projects_access
from projects.selectors import project_board, project_detail, projects_for_lists, similar_projects
from projects.services import (
    STAGE_MOVES,
    project_delete,
    project_move_stage,
    project_replicate,
    project_save,
    prototype_decision_record,
    steering_meetings_for,
)
from territories.choices import with_labels
from territories.locking import VERSION
from territories.pages import form_page, run_action
from territories.paging import page_of


def _form_choices(form):
    """Say whether the project form has défis and carriers to offer, for its warnings."""
    return {"has_challenges": form.fields["challenge"].queryset.exists(),
            "has_carriers": form.fields["carriers"].queryset.exists()}


@login_required
def project_board_view(request, cluster_pk):
    access = projects_access(request.user, cluster_pk)
    columns = project_board(access.cluster.projects.all())
    return render(request, "projects/board.html", {
        "breadcrumbs": projects_trail(access.cluster),
        "cluster": access.cluster, "access": access, "columns": columns,
        "total": sum(count for _stage, _label, _projects, count in columns),
    })


@login_required
def project_list_view(request, cluster_pk):
    access = projects_access(request.user, cluster_pk)
    cluster = access.cluster
    filters = ProjectFilter(request.GET or None, queryset=cluster.projects.all(),
                            cluster=cluster)
    page = page_of(request, projects_for_lists(filters.qs), per_page=20)
    with_labels(page, "stage", Project.Stage.choices)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "projects/project_list.html", {
        "breadcrumbs": projects_trail(cluster, _("Liste")),
        "cluster": cluster, "access": access, "filters": filters, "page": page,
        "query": query.urlencode(),
    })


def _save(request, cluster, project, form):
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    links = {name: data.pop(name) for name in ("carriers", "partners", "themes", "objectives")}
    return project_save(project=project, fields=data, by=request.user,
                        version=form.cleaned_data[VERSION], **links)


@login_required
@require_http_methods(["GET", "POST"])
def project_create_view(request, cluster_pk):
    cluster = projects_access(request.user, cluster_pk).require("work_on").cluster
    project = Project(cluster=cluster)
    form = ProjectForm(request.POST or None, instance=project, cluster=cluster)
    return form_page(
        request, form, action=lambda _data: _save(request, cluster, project, form),
        success=_("Le projet est créé, à l'étape « idée »."), next=lambda saved: saved,
        template="projects/project_form.html", context={
            "breadcrumbs": projects_trail(cluster, _("Nouveau projet")),
            "cluster": cluster, "form": form, "project": project, **_form_choices(form),
        })


@login_required
@require_http_methods(["GET", "POST"])
def project_update_view(request, slug):
    project = project_access(request.user, slug).require("work_on").project
    form = ProjectForm(request.POST or None, instance=project, cluster=project.cluster)
    return form_page(
        request, form, action=lambda _data: _save(request, project.cluster, project, form),
        current=lambda: ProjectForm(instance=Project.objects.get(pk=project.pk),
                                    cluster=project.cluster),
        success=_("Le projet est enregistré."), next=lambda saved: saved,
        template="projects/project_form.html", context={
            "breadcrumbs": projects_trail(project.cluster, _("Modifier")),
            "cluster": project.cluster, "form": form, "project": project,
            **_form_choices(form),
        })


def _stage_choices(project):
    """The stages the project may move to, the next one first."""
    order = list(Project.Stage)
    current = order.index(project.stage)
    reachable = sorted(STAGE_MOVES[project.stage], key=lambda stage: order.index(stage) < current)
    return [(stage.value, stage.label) for stage in reachable]


def project_detail_view(request, slug):
    """The project's page: public once published; its collective also sees its drafts."""
    access = project_access(request.user, slug)
    project = access.project
    context = {
        "project": project, "cluster": project.cluster, "access": access,
        "similar": similar_projects(project),
        **project_detail(project),
    }
    if access.can_work_on:
        decision_form = PrototypeDecisionForm(meetings=steering_meetings_for(project))
        context.update(
            breadcrumbs=projects_trail(project.cluster, project.title),
            stage_form=StageMoveForm(choices=_stage_choices(project), project=project),
            decision_form=decision_form,
            has_meetings=decision_form.fields["meeting"].queryset.exists(),
            history=project.history.select_related("history_user")[:15],
        )
    return render(request, "projects/project_detail.html", context)


@login_required
@require_POST
def project_move_stage_view(request, slug):
    project = project_access(request.user, slug).require("work_on").project
    form = StageMoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(request, lambda: project_move_stage(
            project=project, by=request.user, to_stage=data["to_stage"], reason=data["reason"],
            on=data["changed_on"]),
            success=lambda change: _("Le projet passe à l'étape « %(stage)s ».") % {
                "stage": Project.Stage(change.to_stage).label})
    else:
        messages.error(request, " ".join(
            str(error) for errors in form.errors.values() for error in errors))
    return redirect(project)


@login_required
@require_POST
def prototype_decision_view(request, slug):
    project = project_access(request.user, slug).require("work_on").project
    form = PrototypeDecisionForm(request.POST, meetings=steering_meetings_for(project))
    if form.is_valid():
        run_action(request, lambda: prototype_decision_record(project=project, by=request.user,
                                                              **form.cleaned_data),
                   success=_("La décision du comité de pilotage est enregistrée."))
    else:
        messages.error(request, " ".join(
            str(error) for errors in form.errors.values() for error in errors))
    return redirect(project)


@login_required
@require_http_methods(["GET", "POST"])
def project_replicate_view(request, slug):
    """Essaimage: a facilitator takes a project up in one of the clusters they steer."""
    origin = project_access(request.user, slug).require("replicate").project
    clusters = steered_clusters(request.user).exclude(
        territory=origin.cluster.territory_id).select_related("territory", "collective")
    form = ReplicationForm(request.POST or None, clusters=clusters)
    return form_page(
        request, form, action=lambda data: project_replicate(origin=origin, by=request.user,
                                                             **data),
        success=_("Le projet est essaimé : complétez sa fiche pour votre territoire."),
        next=lambda replication: reverse("projects:update", args=[replication.copy.slug]),
        template="projects/project_replicate.html",
        context={"project": origin, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def project_delete_view(request, slug):
    project = project_access(request.user, slug).require("delete").project
    if request.method == "POST":
        if run_action(request, lambda: project_delete(project=project, by=request.user),
                      success=_("Le projet est supprimé.")):
            return redirect("projects:board", cluster_pk=project.cluster_id)
        return redirect(project)
    return render(request, "projects/project_confirm_delete.html", {"project": project})
