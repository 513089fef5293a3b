"""A project's outcomes on the network's shared indicators: record one, in its unit."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.services import measurement_date_error
from projects.models import ProjectOutcome


@transaction.atomic
def project_outcome_record(*, project, indicator, measured_on, value, source, by):
    """Record what a project achieved on a shared indicator at a date, in its fixed unit.

    Same rules as an objective's measurement: never in the future, one per project,
    indicator and day.
    """
    error = measurement_date_error(
        measured_on=measured_on, today=timezone.localdate(),
        already_measured=ProjectOutcome.objects.filter(
            project=project, indicator=indicator, measured_on=measured_on).exists())
    if error is not None:
        if error.code == "duplicate_measurement":
            raise DomainError(_("Ce projet a déjà un résultat à cette date pour cet "
                                "indicateur."), code="duplicate_outcome", status=409)
        raise error
    return ProjectOutcome.objects.create(project=project, indicator=indicator,
                                         measured_on=measured_on, value=value,
                                         source=source.strip(), created_by=by)
