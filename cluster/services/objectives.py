"""Objectives and their measurements: save an objective, record or import measurements."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cluster.errors import DomainError
from cluster.latest_measurements import refresh_latest_measurements
from cluster.models import Measurement, Objective
from territories.locking import save_if_unchanged

OBJECTIVE_CONFLICT = gettext_lazy(
    "Quelqu'un a modifié cet objectif pendant que vous le modifiiez. Rechargez la page pour "
    "voir sa version, puis refaites vos changements.")


def objective_save(*, objective, fields, version):
    """Save an objective edited from `version`; refuse if someone saved it in between.

    The check and the write are one UPDATE … WHERE version = %s (territories.locking),
    so two people saving at once cannot both win: the second gets a clear refusal
    instead of silently overwriting the first.
    """
    return save_if_unchanged(instance=objective, fields=fields, version=version,
                             message=OBJECTIVE_CONFLICT)


def measurement_date_error(*, measured_on, today, already_measured):
    """Return the DomainError a measurement dated `measured_on` breaks, or None.

    The rules of one measurement, shared by `measurement_record` and the CSV
    import: never in the future, one measurement per objective and day.
    """
    if measured_on > today:
        return DomainError(_("Une mesure ne peut pas être datée dans le futur."),
                           code="future_measurement")
    if already_measured:
        return DomainError(_("Une mesure existe déjà à cette date pour cet objectif."),
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
    refresh_latest_measurements([objective.pk])  # a bulk write sends no signal
    return len(new), len(rows) - len(new)
