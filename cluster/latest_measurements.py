"""The latest measurement of each objective, overall and of each year, stored on the rows.

`Measurement.is_latest` marks the latest measurement of its objective and
`Measurement.is_latest_of_year` the latest of its objective in its year (the figure a
shared indicator counts, see cluster.network's rule). They are kept here: after every
save or deletion of a measurement (signals), and by `refresh_latest_measurements` after
a bulk write, which sends no signal (an import, the demo). The national dashboard reads
the flags instead of searching every objective's measurements for the latest.
"""

from django.db.models import BooleanField, Case, Value, When
from django.db.models.signals import post_delete, post_save

from cluster.models import Measurement

CHUNK = 500


def refresh_latest_measurements(objective_ids, *, model=Measurement):
    """Set the two flags of every measurement of the given objectives; two queries a chunk.

    `model` is the migration's historical model when the data migration fills them.
    """
    objective_ids = sorted(set(objective_ids))
    for start in range(0, len(objective_ids), CHUNK):
        _refresh(model, objective_ids[start:start + CHUNK])


def _refresh(model, objective_ids):
    rows = model.objects.filter(objective__in=objective_ids)
    latest, of_year = {}, {}
    # Ordered by date: a later row replaces an earlier one (one measurement a day).
    for pk, objective, measured_on in rows.order_by("objective", "measured_on", "pk") \
            .values_list("pk", "objective", "measured_on"):
        latest[objective] = pk
        of_year[objective, measured_on.year] = pk

    def flag(pks):
        return Case(When(pk__in=pks, then=Value(True)), default=Value(False),
                    output_field=BooleanField()) if pks else Value(False)

    rows.update(is_latest=flag(list(latest.values())),
                is_latest_of_year=flag(list(of_year.values())))


def _measurement_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaded from a fixture: refreshed by whoever loads it
        return
    refresh_latest_measurements([instance.objective_id])


def connect_signals():
    post_save.connect(_measurement_changed, sender=Measurement,
                      dispatch_uid="latest_measurements_saved")
    post_delete.connect(_measurement_changed, sender=Measurement,
                        dispatch_uid="latest_measurements_deleted")
