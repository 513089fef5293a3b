"""Commitments: engaged companies and the comité de pilotage with its decisions."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.models import Engagement, SteeringDecision
from territories.models import Actor

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
        raise DomainError(_("Choisissez l'entreprise engagée."), code="company_required",
                          field="company")
    if engagement.company.territory_id != engagement.cluster.territory_id:
        raise DomainError(_("L'entreprise doit être un acteur du territoire du cluster."),
                          code="company_outside_territory", field="company")
    if not engagement.size:
        engagement.size = COMPANY_SIZES.get(engagement.company.kind, "")
    if not engagement.size:
        raise DomainError(_("Indiquez la taille de l'entreprise : cet acteur n'est pas "
                            "répertorié comme une entreprise."), code="size_required", field="size")
    if engagement.value is not None and engagement.value < 0:
        raise DomainError(_("La valeur de l'engagement ne peut pas être négative."),
                          code="negative_value", field="value")
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
    for name, value in data.items():
        setattr(meeting, name, value)
    if decisions is not None:
        decisions = _written_decisions(decisions)
    _check_decisions_once_held(meeting, decisions, today=today or timezone.localdate())
    _save_meeting(meeting, by=by)
    if decisions is not None:
        _replace_decisions(meeting, decisions, by=by)
    return meeting


def _written_decisions(decisions):
    """Return the decisions that have a text, in order: the form's empty lines are ignored."""
    return [item for item in decisions if (item.get("text") or "").strip()]


def _check_decisions_once_held(meeting, decisions, *, today):
    """Refuse decisions for a meeting planned after today; None means its current ones."""
    if decisions is not None:
        has_decisions = bool(decisions)
    else:
        has_decisions = meeting.pk is not None and meeting.decisions.exists()
    if has_decisions and meeting.held_on > today:
        raise DomainError(
            _("Les décisions s'enregistrent une fois le comité tenu : celui-ci est prévu le "
              "%(date)s. Enregistrez le comité sans décision, puis complétez-le après la "
              "réunion.") % {"date": formats.date_format(meeting.held_on, "SHORT_DATE_FORMAT")},
            code="decisions_before_meeting")


def _save_meeting(meeting, *, by):
    """Save the meeting; its history records who did it, and a new one who created it."""
    if meeting.pk is None:
        meeting.created_by = by
    meeting._history_user = by
    meeting.save()


def _replace_decisions(meeting, decisions, *, by):
    """Make `decisions` the meeting's whole list, in order: update the ones named by id,
    add the new ones, delete the ones left out. Only rows that change are written, so the
    history shows what the person changed."""
    existing = {decision.pk: decision for decision in meeting.decisions.all()}
    kept = set()
    for position, item in enumerate(decisions):
        decision = _decision_of(meeting, item.get("id"), existing=existing, kept=kept)
        _save_decision(decision, text=item["text"].strip(), position=position, by=by)
        kept.add(decision.pk)
    for pk, decision in existing.items():
        if pk not in kept:
            decision._history_user = by
            decision.delete()


def _decision_of(meeting, pk, *, existing, kept):
    """Return the meeting's decision `pk`, or a new one when pk is None.

    Refuse an id of another meeting's decision, or one given twice.
    """
    if pk is None:
        return SteeringDecision(meeting=meeting)
    if pk not in existing or pk in kept:
        raise DomainError(_("Cette décision n'appartient pas à ce comité."),
                          code="unknown_decision")
    return existing[pk]


def _save_decision(decision, *, text, position, by):
    """Save a new decision, or an existing one whose text or position changed."""
    if decision.pk is None or (decision.text, decision.position) != (text, position):
        decision.text, decision.position = text, position
        decision._history_user = by
        decision.save()


@transaction.atomic
def steering_meeting_delete(*, meeting, by):
    """Delete a comité de pilotage and its decisions; their history keeps who did it."""
    for decision in meeting.decisions.all():
        decision._history_user = by
        decision.delete()
    meeting._history_user = by
    meeting.delete()
