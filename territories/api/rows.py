"""Lists served from `.values()` rows: the same JSON as the serializer, no model instance.

A list of a hundred rows spends most of its time building model instances and walking
them field by field. A serializer with `RowSerializerMixin` also takes a dict read with
`.values(*serializer.row_columns())`: each field's own `to_representation` formats the
row's value, as DRF does with the instance's attribute, so a client cannot tell the two
apart (tests compare them). Lower apps own this; funding's dossier list uses it too.
"""

from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import ISO_8601, fields
from rest_framework.settings import api_settings

# Fields whose `to_representation` gives back a value the database already returns as
# is (a string, a whole number, a boolean, a choice's key): sent as read, without a call.
_AS_READ = {fields.CharField.to_representation, fields.IntegerField.to_representation,
            fields.BooleanField.to_representation, fields.ChoiceField.to_representation}


def _iso_datetime(field):
    """Return DRF's ISO 8601 formatting of an aware datetime, with the field's time zone
    looked up once for the page instead of once per value; None when the field formats
    otherwise (its own `to_representation` is then called)."""
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if output is None or output.lower() != ISO_8601 or zone is None:
        return None

    def iso(value):
        if isinstance(value, str) or timezone.is_naive(value):  # as DRF does, with its errors
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return iso


class RowSerializerMixin:
    # (Comments, not a docstring: the schema would show it.) Serialize a `.values()` row
    # as the serializer serializes an instance.
    #
    # `ROW_VALUES` maps a field to its column in the row ("territory": "territory__slug");
    # a field not named there is read from the column of its own name. `RAW_FIELDS` are
    # sent as read, without their field's formatting: a related object's slug, a list.
    # `ATTACHED_FIELDS` are not columns: the view adds them to each row (a many-to-many's
    # slugs, read in one query for the page), and they are sent as read.

    ROW_VALUES = {}
    RAW_FIELDS = ()
    ATTACHED_FIELDS = ()

    @classmethod
    def row_columns(cls):
        """The columns to read with `.values()`: the fields' own, renamed by ROW_VALUES."""
        return [cls.ROW_VALUES.get(name, name) for name in cls.Meta.fields
                if name not in cls.ATTACHED_FIELDS]

    def row_format(self, name, field):
        """Return (column, format) for a field: format is None to send the value as read."""
        column = self.ROW_VALUES.get(name, name)
        if (name in self.RAW_FIELDS or name in self.ATTACHED_FIELDS
                or type(field).to_representation in _AS_READ):
            return column, None
        if type(field).to_representation is fields.DateTimeField.to_representation:
            return column, _iso_datetime(field) or field.to_representation
        return column, field.to_representation

    @cached_property
    def _row_plan(self):
        return [(name, *self.row_format(name, field)) for name, field in self.fields.items()]

    def _from_row(self, row):
        return {name: (value if format is None or value is None else format(value))
                for name, column, format in self._row_plan
                for value in (row[column],)}

    def to_representation(self, instance):
        if isinstance(instance, dict):
            return self._from_row(instance)
        return super().to_representation(instance)
