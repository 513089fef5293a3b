"""Rows are formatted as DRF formats the instance: a date and time, the same string."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework import serializers

from territories.api.rows import _iso_datetime


@pytest.mark.parametrize("value", [
    datetime(2026, 1, 15, 23, 30, 5, 123456, tzinfo=UTC),  # winter: +01:00, the next day
    datetime(2026, 7, 1, 8, 0, tzinfo=UTC),  # summer: +02:00
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # the hour the clocks change
    datetime(2026, 7, 1, 8, 0, tzinfo=ZoneInfo("America/Cayenne")),
])
@pytest.mark.parametrize("zone", ["Europe/Paris", "UTC", "Pacific/Noumea"])
def test_an_aware_datetime_reads_as_drf_writes_it(value, zone):
    with timezone.override(zone):
        field = serializers.DateTimeField()
        assert _iso_datetime(field)(value) == field.to_representation(value)
        assert _iso_datetime(field)(value).endswith("Z") is (zone == "UTC")


def test_other_formats_and_naive_values_go_through_drf():
    assert _iso_datetime(serializers.DateTimeField(format="%d/%m/%Y")) is None
    assert _iso_datetime(serializers.DateTimeField(format=None)) is None
    field = serializers.DateTimeField()
    naive = datetime(2026, 1, 15, 12, 0)
    assert _iso_datetime(field)(naive) == field.to_representation(naive)
    with override_settings(USE_TZ=False):
        assert _iso_datetime(serializers.DateTimeField()) is None
