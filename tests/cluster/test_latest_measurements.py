"""The latest measurement of each objective stored on its rows (cluster.latest_measurements)
and the objectives' states worked out by the database: the dashboard's figures stay those
of the rule whatever is added, edited, imported or deleted."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cluster.latest_measurements import refresh_latest_measurements
from cluster.models import Measurement, Objective
from cluster.network_dashboard import (
    network_dashboard,
    network_territories,
    objective_state,
    objective_states,
)
from cluster.services.objectives import measurements_import
from tests.cluster.network_data import build_network

pytestmark = pytest.mark.django_db


def _expected_flags():
    """The rule, worked out from scratch: {pk: (is_latest, is_latest_of_year)}."""
    latest, of_year = {}, {}
    for measurement in Measurement.objects.order_by("objective", "measured_on"):
        latest[measurement.objective_id] = measurement.pk
        of_year[measurement.objective_id, measurement.measured_on.year] = measurement.pk
    return {pk: (pk in latest.values(), pk in of_year.values())
            for pk in Measurement.objects.values_list("pk", flat=True)}


def _flags():
    return {pk: (latest, of_year) for pk, latest, of_year in
            Measurement.objects.values_list("pk", "is_latest", "is_latest_of_year")}


def _jobs_by_year():
    """The network's figure of « emplois d'insertion » by year, as the dashboard shows it."""
    themes = network_dashboard(network_territories(staff=True), public=False,
                               today=timezone.localdate())["themes"]
    row = next(row for theme in themes for row in theme["indicators"]
               if row["indicator"].slug == "emplois-insertion")
    return {year["year"]: year["objectifs"] for year in row["years"]}


def _expected_jobs_by_year():
    values = defaultdict(dict)
    for measurement in Measurement.objects.filter(
            objective__title="Emplois d'insertion").order_by("measured_on"):
        values[measurement.measured_on.year][measurement.objective_id] = measurement.value
    return {year: sum(by_objective.values()) for year, by_objective in values.items()}


def _check():
    assert _flags() == _expected_flags()
    assert _jobs_by_year() == _expected_jobs_by_year()


def test_figures_follow_measurements_added_edited_and_deleted():
    build_network(2)
    _check()
    assert _jobs_by_year() == {2025: Decimal(8), 2026: Decimal(12)}
    objective = Objective.objects.filter(title="Emplois d'insertion").first()
    # Added: earlier in a year (changes nothing), then the latest of its year.
    Measurement.objects.create(objective=objective, measured_on=date(2025, 9, 1), value=50,
                               source="s")
    _check()
    later = Measurement.objects.create(objective=objective, measured_on=date(2026, 5, 1),
                                       value=9, source="s")
    _check()
    assert _jobs_by_year()[2026] == Decimal(15)
    # Edited: its value, then its date (into another year).
    later.value = Decimal(11)
    later.save()
    _check()
    assert _jobs_by_year()[2026] == Decimal(17)
    later.measured_on = date(2024, 1, 1)
    later.save()
    _check()
    assert _jobs_by_year() == {2024: Decimal(11), 2025: Decimal(8), 2026: Decimal(12)}
    # Deleted: the latest of a year, then a whole year, then the objective.
    objective.measurements.get(measured_on=date(2026, 3, 1)).delete()
    _check()
    assert _jobs_by_year()[2026] == Decimal(6)
    objective.measurements.filter(measured_on__year=2024).delete()
    _check()
    assert 2024 not in _jobs_by_year()
    objective.delete()
    _check()
    assert _jobs_by_year() == {2025: Decimal(4), 2026: Decimal(6)}


def test_an_import_and_the_data_migration_set_the_flags(staff):
    build_network(1)
    objective = Objective.objects.get(title="Emplois d'insertion")
    added, _skipped = measurements_import(
        objective=objective, by=staff,
        rows=[(date(2026, 6, 1), Decimal(7), "import"), (date(2024, 2, 1), Decimal(1), "i")])
    assert added == 2
    _check()
    assert _jobs_by_year()[2026] == Decimal(7)
    # The data migration fills the flags of every objective from nothing.
    Measurement.objects.update(is_latest=False, is_latest_of_year=False)
    refresh_latest_measurements(Measurement.objects.values_list("objective", flat=True))
    _check()


def test_refreshing_nothing_or_an_objective_without_measurements():
    build_network(1)
    objective = Objective.objects.get(title="Vélo")
    objective.measurements.all().delete()
    refresh_latest_measurements([])
    refresh_latest_measurements([objective.pk])
    _check()


def _cases(today):
    """(start, target date, baseline, target, latest): every branch of the rule."""
    past, future = today - timedelta(days=100), today + timedelta(days=100)
    cases = []
    for start, target_date in ((past, future), (past, today), (past, past - timedelta(days=1)),
                               (future, future + timedelta(days=50)), (today, future),
                               (past, past)):
        for baseline, target in ((Decimal(0), Decimal(20)), (Decimal(50), Decimal("10.5"))):
            for latest in (None, target, target + (target - baseline), baseline,
                           baseline - (target - baseline), (baseline + target) / 2,
                           baseline + (target - baseline) / 3, Decimal("0.01"),
                           Decimal("10.33")):
                cases.append((start, target_date, baseline, target,
                              latest if latest is None else latest.quantize(Decimal("0.01"))))
    return cases


def test_the_database_states_the_objectives_as_the_rule_does():
    build_network(1)
    today = timezone.localdate()
    objective = Objective.objects.get(title="Emplois d'insertion")
    cluster = objective.challenge.cluster
    seen = set()
    for start, target_date, baseline, target, latest in _cases(today):
        cluster.start_date = start
        cluster.save(update_fields=["start_date"])
        Objective.objects.filter(pk=objective.pk).update(
            baseline=baseline, target=target, target_date=target_date,
            direction="increase" if target > baseline else "decrease")
        objective.measurements.all().delete()
        if latest is not None:
            Measurement.objects.create(objective=objective, measured_on=start, value=latest,
                                       source="s")
        expected = objective_state(baseline=baseline, target=target, target_date=target_date,
                                   latest=latest, start=start, today=today)
        seen.add(expected)
        found = objective_states(Objective.objects.filter(pk=objective.pk), today)
        assert found == {cluster.territory_id: {expected: 1}}, (
            start, target_date, baseline, target, latest)
    assert seen == {"reached", "on_track", "late", "unmeasured"}


def test_units_written_otherwise_are_counted_once_per_territory():
    build_network(2)
    first, second = Objective.objects.filter(title="Emplois d'insertion").order_by("pk")
    Objective.objects.filter(pk=first.pk).update(unit=" etp ")
    Objective.objects.filter(title="Emplois (autre unité)",
                             challenge=second.challenge).update(unit="Etp")
    themes = network_dashboard(network_territories(staff=True), public=False,
                               today=timezone.localdate())["themes"]
    jobs = next(row for theme in themes for row in theme["indicators"]
                if row["indicator"].slug == "emplois-insertion")
    year = next(year for year in jobs["years"] if year["year"] == 2026)
    assert (year["objectifs"], year["territories"]) == (Decimal(18), 2)
    assert jobs["excluded"] == 2  # the other « emplois » objective, 2025 and 2026
