"""State changes of the cluster app, shared by the pages and the API."""

from datetime import timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from simple_history.utils import bulk_create_with_history

from cluster.errors import DomainError
from cluster.models import (
    Cluster,
    Engagement,
    Measurement,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringDecision,
    User,
)
from cluster.roadmap import plan_steps
from territories.models import Actor

API_TOKEN_LIFETIMES_DAYS = (30, 90, 365)
MAX_ACTIVE_API_TOKENS = 10


@transaction.atomic
def api_token_create(*, user, lifetime_days):
    """Create an API token for the user; return the row and the secret, shown only once."""
    if lifetime_days not in API_TOKEN_LIFETIMES_DAYS:
        raise DomainError(
            "Durée de validité non proposée : choisissez 30, 90 ou 365 jours.",
            code="invalid_lifetime",
        )
    if not user.is_active:
        raise DomainError("Un compte désactivé ne peut pas créer de jeton.", code="inactive")
    # Lock the person's row so two simultaneous requests cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if user.auth_token_set.count() >= MAX_ACTIVE_API_TOKENS:
        raise DomainError(
            f"Vous avez déjà {MAX_ACTIVE_API_TOKENS} jetons : révoquez-en un avant d'en créer "
            "un autre.",
            code="too_many_tokens",
            status=409,
        )
    return AuthToken.objects.create(user=user, expiry=timedelta(days=lifetime_days))


def api_token_revoke(*, token):
    """Revoke the token: every client using it is refused from now on."""
    token.delete()


# Clusters and their roadmap -------------------------------------------------------------

@transaction.atomic
def cluster_create(*, collective, territory, start_date, duration_months=12):
    """Create a cluster with its seven roadmap steps and their suggested milestones."""
    if not 9 <= duration_months <= 12:
        raise DomainError("Un cluster dure de 9 à 12 mois.", code="invalid_duration")
    if Cluster.objects.filter(collective=collective, territory=territory).exists():
        raise DomainError("Ce collectif a déjà un cluster sur ce territoire.", code="duplicate",
                          status=409)
    cluster = Cluster.objects.create(collective=collective, territory=territory,
                                     start_date=start_date, duration_months=duration_months)
    milestones = []
    for number, kind, summary, first, last, titles in plan_steps(start_date, duration_months):
        step = RoadmapStep.objects.create(cluster=cluster, number=number, kind=kind,
                                          summary=str(summary), start_date=first, end_date=last)
        milestones += [Milestone(step=step, title=str(title), due_date=last, position=position)
                       for position, title in enumerate(titles)]
    Milestone.objects.bulk_create(milestones)
    return cluster


def step_set_status(*, step, status):
    """Mark a step to do, in progress or done; only one step is in progress at a time."""
    if status not in RoadmapStep.Status.values:
        raise DomainError("État d'étape inconnu.", code="invalid_status")
    with transaction.atomic():
        if status == RoadmapStep.Status.DOING:
            step.cluster.steps.filter(status=RoadmapStep.Status.DOING).exclude(pk=step.pk) \
                .update(status=RoadmapStep.Status.TODO)
        step.status = status
        step.save(update_fields=["status"])
    return step


def milestone_complete(*, milestone, on):
    if milestone.done_on is not None:
        raise DomainError("Ce jalon est déjà atteint.", code="already_done", status=409)
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    return milestone


# Défis, objectives, measurements ---------------------------------------------------------

def objective_save(*, objective, fields, version):
    """Save an objective edited from `version`; refuse if someone saved it in between.

    The check and the write are one UPDATE … WHERE version = %s, so two people
    saving at once cannot both win: the second gets a clear refusal instead of
    silently overwriting the first.
    """
    with transaction.atomic():
        if objective.pk is None:
            for name, value in fields.items():
                setattr(objective, name, value)
            objective.full_clean()
            objective.save()
            return objective
        updated = Objective.objects.filter(pk=objective.pk, version=version).update(
            version=version + 1)
        if not updated:
            raise DomainError(
                "Quelqu'un a modifié cet objectif pendant que vous le modifiiez. Rechargez la "
                "page pour voir sa version, puis refaites vos changements.",
                code="edit_conflict", status=409,
            )
        for name, value in fields.items():
            setattr(objective, name, value)
        objective.version = version + 1
        objective.full_clean()
        objective.save()
    return objective


def measurement_date_error(*, measured_on, today, already_measured):
    """Return the DomainError a measurement dated `measured_on` breaks, or None.

    The rules of one measurement, shared by `measurement_record` and the CSV
    import: never in the future, one measurement per objective and day.
    """
    if measured_on > today:
        return DomainError("Une mesure ne peut pas être datée dans le futur.",
                           code="future_measurement")
    if already_measured:
        return DomainError("Une mesure existe déjà à cette date pour cet objectif.",
                           code="duplicate_measurement", status=409)
    return None


@transaction.atomic
def measurement_record(*, objective, measured_on, value, source, by):
    """Record a dated measurement of an objective's indicator."""
    error = measurement_date_error(
        measured_on=measured_on, today=timezone.localdate(),
        already_measured=objective.measurements.filter(measured_on=measured_on).exists())
    if error is not None:
        raise error
    return Measurement.objects.create(objective=objective, measured_on=measured_on, value=value,
                                      source=source, created_by=by)


# Engaged companies, comité de pilotage, measurements in bulk -------------------------------

# An actor recorded as a company gives its size to its engagements.
COMPANY_SIZES = {
    Actor.Kind.TPE: Engagement.Size.TPE,
    Actor.Kind.PME: Engagement.Size.PME,
    Actor.Kind.ETI: Engagement.Size.ETI,
    Actor.Kind.LARGE_COMPANY: Engagement.Size.LARGE,
}


@transaction.atomic
def engagement_save(*, engagement, fields, by):
    """Create or change a company's engagement in its cluster.

    The company is an actor of the cluster's territory. Its size, when left
    empty, is the actor's own when the actor is recorded as a company.
    """
    for name, value in fields.items():
        setattr(engagement, name, value)
    if engagement.company_id is None:
        raise DomainError(_("Choisissez l'entreprise engagée."), code="company_required")
    if engagement.company.territory_id != engagement.cluster.territory_id:
        raise DomainError(_("L'entreprise doit être un acteur du territoire du cluster."),
                          code="company_outside_territory")
    if not engagement.size:
        engagement.size = COMPANY_SIZES.get(engagement.company.kind, "")
    if not engagement.size:
        raise DomainError(_("Indiquez la taille de l'entreprise : cet acteur n'est pas "
                            "répertorié comme une entreprise."), code="size_required")
    if engagement.value is not None and engagement.value < 0:
        raise DomainError(_("La valeur de l'engagement ne peut pas être négative."),
                          code="negative_value")
    engagement._history_user = by
    engagement.save()
    return engagement


def engagement_delete(*, engagement, by):
    """Delete an engagement; its history keeps who deleted it and when."""
    engagement._history_user = by
    engagement.delete()


@transaction.atomic
def steering_meeting_save(*, meeting, data, decisions, by, today=None):
    """Save a comité de pilotage with its decisions, all or nothing.

    `decisions` is the meeting's whole list of decisions, in order, each a dict
    {"id": pk or None, "text": …}; the meeting's decisions left out are deleted
    and empty texts ignored. None leaves the decisions as they are. A meeting
    may be planned in the future, but its decisions are recorded once it was held.
    """
    today = today or timezone.localdate()
    for name, value in data.items():
        setattr(meeting, name, value)
    if decisions is not None:
        decisions = [item for item in decisions if (item.get("text") or "").strip()]
        has_decisions = bool(decisions)
    else:
        has_decisions = meeting.pk is not None and meeting.decisions.exists()
    if has_decisions and meeting.held_on > today:
        raise DomainError(
            _("Les décisions s'enregistrent une fois le comité tenu : celui-ci est prévu le "
              "%(date)s. Enregistrez le comité sans décision, puis complétez-le après la "
              "réunion.") % {"date": formats.date_format(meeting.held_on, "SHORT_DATE_FORMAT")},
            code="decisions_before_meeting")
    if meeting.pk is None:
        meeting.created_by = by
    meeting._history_user = by
    meeting.save()
    if decisions is None:
        return meeting
    existing = {decision.pk: decision for decision in meeting.decisions.all()}
    kept = set()
    for position, item in enumerate(decisions):
        pk = item.get("id")
        if pk is not None and (pk not in existing or pk in kept):
            raise DomainError(_("Cette décision n'appartient pas à ce comité."),
                              code="unknown_decision")
        decision = existing[pk] if pk is not None else SteeringDecision(meeting=meeting)
        text = item["text"].strip()
        if decision.pk is None or (decision.text, decision.position) != (text, position):
            decision.text, decision.position = text, position
            decision._history_user = by
            decision.save()
        kept.add(decision.pk)
    for pk, decision in existing.items():
        if pk not in kept:
            decision._history_user = by
            decision.delete()
    return meeting


@transaction.atomic
def steering_meeting_delete(*, meeting, by):
    """Delete a comité de pilotage and its decisions; their history keeps who did it."""
    for decision in meeting.decisions.all():
        decision._history_user = by
        decision.delete()
    meeting._history_user = by
    meeting.delete()


@transaction.atomic
def measurements_import(*, objective, rows, by):
    """Record the rows of a checked CSV import, [(date, value, source), …], all or nothing.

    Every row goes through the rules of `measurement_record`; a row dated in the
    future or on a day already measured (in the meantime, or earlier in the
    rows) is skipped, so importing the same file twice adds nothing. Return the
    numbers of rows added and skipped.
    """
    # Two imports of the same objective at once wait for each other (PostgreSQL).
    list(Objective.objects.select_for_update().filter(pk=objective.pk).values_list("pk"))
    today = timezone.localdate()
    measured = set(objective.measurements.values_list("measured_on", flat=True))
    new = []
    for measured_on, value, source in rows:
        if measurement_date_error(measured_on=measured_on, today=today,
                                  already_measured=measured_on in measured) is not None:
            continue
        measured.add(measured_on)
        new.append(Measurement(objective=objective, measured_on=measured_on, value=value,
                               source=source, created_by=by))
    bulk_create_with_history(new, Measurement, batch_size=500, default_user=by)
    return len(new), len(rows) - len(new)
