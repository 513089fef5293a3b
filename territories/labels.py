"""The life cycle of a territory's label: candidate, labelled, in annual follow-up,
suspended, withdrawn.

Each change is one service; the allowed changes are the table below. A refused change
raises DomainError with a French message and writes nothing.
"""

from datetime import date

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from territories.errors import DomainError
from territories.models import Label

Status = Label.Status

# action: (statuses it starts from — None for a territory with no label record yet, target)
LABEL_TRANSITIONS = {
    "apply": ({None, Status.WITHDRAWN}, Status.CANDIDATE),
    "grant": ({None, Status.CANDIDATE, Status.WITHDRAWN}, Status.LABELLED),
    "follow_up": ({Status.LABELLED}, Status.FOLLOW_UP),
    "close_follow_up": ({Status.FOLLOW_UP}, Status.LABELLED),
    "suspend": ({Status.LABELLED, Status.FOLLOW_UP}, Status.SUSPENDED),
    "reinstate": ({Status.SUSPENDED}, Status.LABELLED),
    "withdraw": ({Status.CANDIDATE, Status.LABELLED, Status.FOLLOW_UP, Status.SUSPENDED},
                 Status.WITHDRAWN),
}


def label_of(territory):
    """Return the territory's label record, or None if it never applied nor was labelled."""
    return Label.objects.filter(territory=territory).first()


def _refusal(action, label):
    """Say in French why `action` is refused on a label in its current state."""
    if label is None:
        return DomainError(_("Ce territoire n'a pas de label : rien à changer."),
                           code="no_label", status=409)
    if action in {"apply", "grant"} and label.status in {
            Status.LABELLED, Status.FOLLOW_UP, Status.SUSPENDED}:
        return DomainError(
            _("%(territory)s est déjà labellisé (vague %(wave)s, le %(date)s) : une nouvelle "
              "décision de label ne s'applique pas à un territoire déjà labellisé.") % {
                "territory": label.territory.name, "wave": label.wave or "?",
                "date": formats.date_format(label.labelled_on) if label.labelled_on else "?"},
            code="already_labelled", status=409)
    return DomainError(
        _("Le label de ce territoire est « %(status)s » : ce changement n'est pas possible.")
        % {"status": label.get_status_display()}, code="invalid_transition", status=409)


def _move(*, territory, action, reason="", **fields):
    """Apply `action` to the territory's label, locked, or refuse it and write nothing."""
    starts_from, target = LABEL_TRANSITIONS[action]
    with transaction.atomic():
        label = Label.objects.select_for_update().filter(territory=territory).first()
        current = label.status if label is not None else None
        if current not in starts_from:
            raise _refusal(action, label)
        if label is None:
            label = Label(territory=territory)
        label.status = target
        label.reason = (reason or "").strip()
        for name, value in fields.items():
            setattr(label, name, value)
        label.save()
    return label


def _clean_wave(wave):
    if isinstance(wave, bool) or not isinstance(wave, int) or wave < 1:
        raise DomainError(_("Indiquez la vague du label : un nombre entier à partir de 1."),
                          code="invalid_wave")
    return wave


def label_apply(*, territory):
    """Make the territory a candidate for the label (a dossier is on its way)."""
    return _move(territory=territory, action="apply")


def label_grant(*, territory, wave, labelled_on=None, call_slug="", call_title=""):
    """Label the territory in `wave`, on `labelled_on` (today by default).

    Refused for a territory already labelled, even suspended: a label is granted once.
    """
    wave = _clean_wave(wave)
    labelled_on = labelled_on or timezone.localdate()
    if not isinstance(labelled_on, date) or labelled_on > timezone.localdate():
        raise DomainError(_("La date de labellisation ne peut pas être dans le futur."),
                          code="invalid_date")
    return _move(territory=territory, action="grant", wave=wave, labelled_on=labelled_on,
                 call_slug=call_slug[:200], call_title=call_title[:200])


def label_start_follow_up(*, territory):
    """Put a labelled territory in its annual follow-up."""
    return _move(territory=territory, action="follow_up")


def label_close_follow_up(*, territory):
    """The year's follow-up is accepted: the territory is labelled again, until the next."""
    return _move(territory=territory, action="close_follow_up")


def _anniversary(day, year):
    """The day's anniversary in `year`; a 29 February falls on the 28th in other years."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def follow_up_due(label, today=None):
    """Return the date the territory's next annual follow-up is due, or None.

    The label's anniversary: the first one year after the label date, then each year the
    next anniversary from today on (today included). None for a territory that does not
    hold the label now (no label, candidate, suspended, withdrawn) or has no label date.
    """
    if label is None or not label.is_active or label.labelled_on is None:
        return None
    today = today or timezone.localdate()
    first = _anniversary(label.labelled_on, label.labelled_on.year + 1)
    due = _anniversary(label.labelled_on, today.year)
    if due < today:
        due = _anniversary(label.labelled_on, today.year + 1)
    return max(first, due)


def _required_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Motivez ce changement : le collectif le lira."),
                          code="reason_required")
    return reason


def label_suspend(*, territory, reason):
    """Suspend a labelled territory's label, with the reason the collective will read."""
    return _move(territory=territory, action="suspend", reason=_required_reason(reason))


def label_reinstate(*, territory):
    """Lift a suspension: the territory is labelled again, in its wave, from its date."""
    return _move(territory=territory, action="reinstate")


def label_withdraw(*, territory, reason):
    """Withdraw the label, or a candidacy, with the reason the collective will read."""
    return _move(territory=territory, action="withdraw", reason=_required_reason(reason))
