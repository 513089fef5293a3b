"""State changes of the cluster app, shared by the pages and the API."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from cluster.errors import DomainError
from cluster.models import Cluster, Measurement, Milestone, Objective, RoadmapStep, User
from cluster.roadmap import plan_steps

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


@transaction.atomic
def measurement_record(*, objective, measured_on, value, source, by):
    """Record a dated measurement of an objective's indicator."""
    if measured_on > timezone.localdate():
        raise DomainError("Une mesure ne peut pas être datée dans le futur.",
                          code="future_measurement")
    if objective.measurements.filter(measured_on=measured_on).exists():
        raise DomainError("Une mesure existe déjà à cette date pour cet objectif.",
                          code="duplicate_measurement", status=409)
    return Measurement.objects.create(objective=objective, measured_on=measured_on, value=value,
                                      source=source, created_by=by)
