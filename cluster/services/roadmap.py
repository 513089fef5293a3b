"""Clusters and their roadmap: create a cluster, update its steps, manage milestones."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cluster.errors import DomainError
from cluster.models import Cluster, Milestone, RoadmapStep, Stewardship
from cluster.permissions import access_to_cluster
from cluster.roadmap import add_months, roadmap_schedule


@transaction.atomic
def cluster_create(*, collective, territory, start_date, duration_months=12):
    """Create a cluster with its seven roadmap steps and their suggested milestones.

    No check of who asks: pages and the API go through cluster.stewardship.cluster_start,
    which sends a request instead when another collective stewards the territory.
    """
    if not 9 <= duration_months <= 12:
        raise DomainError(_("Un cluster dure de 9 à 12 mois."), code="invalid_duration")
    if Cluster.objects.filter(collective=collective, territory=territory).exists():
        raise DomainError(_("Ce collectif a déjà un cluster sur ce territoire."),
                          code="duplicate", status=409)
    cluster = Cluster.objects.create(collective=collective, territory=territory,
                                     start_date=start_date, duration_months=duration_months)
    # The first collective to run a cluster on a territory without steward becomes its
    # steward (see cluster.stewardship for who may start one on a stewarded territory).
    Stewardship.objects.get_or_create(territory=territory, defaults={"collective": collective})
    milestones = []
    for number, kind, summary, first, last, titles in roadmap_schedule(start_date, duration_months):
        step = RoadmapStep.objects.create(cluster=cluster, number=number, kind=kind,
                                          summary=str(summary), start_date=first, end_date=last)
        milestones += [Milestone(step=step, title=str(title), due_date=last, position=position)
                       for position, title in enumerate(titles)]
    Milestone.objects.bulk_create(milestones)
    return cluster


def step_update(*, step, start_date, end_date, status, by, close_milestones=False):
    """Change a step's dates and status, for a person who steers the cluster: only one step
    is in progress at a time.

    A step is finished only once it has started and its milestones are all reached; with
    `close_milestones` the facilitator confirms that the ones left open are reached today.
    """
    access_to_cluster(by, step.cluster).require("steer")
    if status not in RoadmapStep.Status.values:
        raise DomainError(_("État d'étape inconnu."), code="invalid_status")
    if end_date < start_date:
        raise DomainError(_("La fin de l'étape doit suivre son début."), code="invalid_dates")
    with transaction.atomic():
        if status == RoadmapStep.Status.DONE:
            _check_finishing(step, start_date, close_milestones)
        if status == RoadmapStep.Status.DOING:
            step.cluster.steps.filter(status=RoadmapStep.Status.DOING).exclude(pk=step.pk) \
                .update(status=RoadmapStep.Status.TODO)
        step.start_date, step.end_date, step.status = start_date, end_date, status
        step.save(update_fields=["start_date", "end_date", "status"])
    return step


def _check_finishing(step, start_date, close_milestones):
    """Refuse to finish a step not yet started, or one with milestones left open unless the
    facilitator closes them: they are then reached today."""
    today = timezone.localdate()
    if start_date > today:
        raise DomainError(
            _("Une étape ne peut pas être terminée avant d'avoir commencé : elle débute le "
              "%(date)s.") % {"date": _long_date(start_date)},
            code="step_not_started", field="status")
    open_milestones = step.milestones.select_for_update().filter(done_on__isnull=True)
    titles = list(open_milestones.order_by("position", "due_date", "pk")
                  .values_list("title", flat=True))
    if not titles:
        return
    if not close_milestones:
        raise DomainError(
            ngettext("Un jalon reste à atteindre avant de terminer l'étape : %(titles)s. "
                     "Marquez-le atteint, ou confirmez la clôture des jalons restants.",
                     "%(count)s jalons restent à atteindre avant de terminer l'étape : "
                     "%(titles)s. Marquez-les atteints, ou confirmez la clôture des jalons "
                     "restants.", len(titles))
            % {"count": len(titles), "titles": ", ".join(f"« {title} »" for title in titles)},
            code="milestones_open", field="status", status=409)
    open_milestones.update(done_on=today)


# Milestones ---------------------------------------------------------------------------------

MILESTONE_DIRECTIONS = ("up", "down")


def milestone_complete(*, milestone, on):
    if milestone.done_on is not None:
        raise DomainError(_("Ce jalon est déjà atteint."), code="already_done", status=409)
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    return milestone


def _long_date(day):
    return formats.date_format(day, "DATE_FORMAT")


def _check_due_date(step, due_date):
    """Refuse a due date before the step starts or the cluster starts, or after both end.

    A milestone may fall in its step's window or later (a step runs late), but it
    belongs to the cluster: never before its launch, never after its end unless the
    step itself was moved beyond it.
    """
    cluster = step.cluster
    cluster_end = add_months(cluster.start_date, cluster.duration_months) - timedelta(days=1)
    if due_date < cluster.start_date:
        raise DomainError(
            _("L'échéance ne peut pas précéder le lancement du cluster, le %(date)s.")
            % {"date": _long_date(cluster.start_date)},
            code="due_before_cluster", field="due_date")
    if due_date < step.start_date:
        raise DomainError(
            _("L'échéance ne peut pas précéder le début de l'étape, le %(date)s.")
            % {"date": _long_date(step.start_date)},
            code="due_before_step", field="due_date")
    last_day = max(cluster_end, step.end_date)
    if due_date > last_day:
        raise DomainError(
            _("L'échéance doit tomber au plus tard le %(date)s, fin du cluster.")
            % {"date": _long_date(last_day)},
            code="due_after_cluster", field="due_date")


@transaction.atomic
def milestone_add(*, step, title, due_date):
    """Add a milestone at the end of the step's list."""
    _check_due_date(step, due_date)
    last = step.milestones.aggregate(last=Max("position"))["last"]
    return Milestone.objects.create(step=step, title=title, due_date=due_date,
                                    position=0 if last is None else last + 1)


@transaction.atomic
def milestone_update(*, milestone, title, due_date):
    """Rename or move a milestone; a new due date means a new reminder will go out.

    Only a new due date is checked: renaming a milestone whose step has moved since
    must not be refused.
    """
    fields = ["title", "due_date"]
    if due_date != milestone.due_date:
        _check_due_date(milestone.step, due_date)
        milestone.reminded_on = None
        fields.append("reminded_on")
    milestone.title, milestone.due_date = title, due_date
    milestone.save(update_fields=fields)
    return milestone


def milestone_move(*, milestone, direction):
    """Move a milestone one place up or down in its step and renumber the step's list."""
    if direction not in MILESTONE_DIRECTIONS:
        raise DomainError(_("Déplacement inconnu : « up » pour monter, « down » pour "
                            "descendre."), code="invalid_direction")
    with transaction.atomic():
        siblings = list(Milestone.objects.select_for_update().filter(step_id=milestone.step_id)
                        .order_by("position", "due_date", "pk"))
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == milestone.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            raise DomainError(
                _("Ce jalon est déjà le premier de l'étape.") if direction == "up"
                else _("Ce jalon est déjà le dernier de l'étape."),
                code="cannot_move", status=409)
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
    milestone.position = other
    return milestone


def milestone_reopen(*, milestone):
    """Mark a milestone reached by mistake (or undone since) as still to reach."""
    if milestone.done_on is None:
        raise DomainError(_("Ce jalon n'est pas encore atteint."), code="not_done", status=409)
    milestone.done_on = None
    milestone.save(update_fields=["done_on"])
    return milestone


def milestone_delete(*, milestone):
    milestone.delete()
