"""Optimistic locking: an edit made from an outdated version is refused, not saved over.

Every row people edit from a form or the API (territory, actor, place, objective,
project, event, funding plan, schéma directeur section, dossier) has a `version`
that each edit moves on by one. An edit says which version it started from; the
check and the bump are one `UPDATE … SET version = N + 1 WHERE version = N`, so two
people saving at once cannot both win: the second is told instead of silently
overwriting the first.

- `claim_version` is that UPDATE, for services that write more than plain fields
  (a perimeter, links, waiting lists);
- `save_if_unchanged` claims, sets the fields, checks and saves, for the simple ones;
- `VersionedFormMixin` carries the version and a fingerprint of each field in hidden
  inputs, so a refused page can say what changed since the person read it;
- `version_field` is the API's `version`, read with the row and sent back with a change.

An edit without a version (an API client that does not send it, like before) is not
checked, but still moves the version on so that the others' stale edits are refused.
This app is the ground floor: every app above may use this module.
"""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from territories.errors import DomainError

# The largest value of a PositiveIntegerField on every database: a bigger one is refused as
# invalid rather than reaching the database (where SQLite cannot even compare it).
VERSION_MAX = 2_147_483_647
VERSION, BASE = "version", "version_base"


def conflict_error(message):
    return DomainError(message, code="edit_conflict", status=409)


def claim_version(*, instance, version, message, where=None):
    """Move the instance's row from `version` to the next one, or refuse with `message` (409).

    Call it inside the transaction that then saves the instance: on PostgreSQL the
    UPDATE locks the row until the end of that transaction, so a concurrent edit of
    the same version waits, then finds it gone. `version=None` checks nothing but
    still moves the version on. `where` (a Q) narrows the rows that may be edited, a
    dossier's editable statuses for instance. Set `instance.version` to the new one.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_version() must run inside the transaction that saves.")
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    if where is not None:
        rows = rows.filter(where)
    if version is None:
        # No ordering: a model's default one may join a nullable relation, which PostgreSQL
        # refuses to lock.
        version = rows.order_by().select_for_update().values_list("version", flat=True).first()
    # F(): the new number is computed by the database for the matching row only; a number
    # sent by a client (the largest integer, say) never reaches the column.
    if version is None or not rows.filter(version=version).update(version=F("version") + 1):
        raise conflict_error(message)
    instance.version = version + 1
    return instance.version


def save_if_unchanged(*, instance, fields, version, message, exclude=None):
    """Set `fields` on the instance and save it, unless someone saved it since `version`.

    A new instance (no primary key) is simply created, at version 1. The model's own
    checks run (`full_clean`, leaving out `exclude`); when they fail, nothing is
    written and the instance keeps the version the database has.
    """
    read = instance.version
    try:
        with transaction.atomic():
            if instance.pk is not None:
                claim_version(instance=instance, version=version, message=message)
            for name, value in fields.items():
                setattr(instance, name, value)
            instance.full_clean(exclude=exclude)
            instance.save()
    except Exception:
        instance.version = read
        raise
    return instance


def bump_versions(model, pks, *, batch_size=2000):
    """Move on the version of the given rows, written in bulk (an import) without a form."""
    pks = list(pks)
    for start in range(0, len(pks), batch_size):
        model._base_manager.filter(pk__in=pks[start:start + batch_size]).update(
            version=F("version") + 1)


def version_moved_on(model):
    """Return the update that moves the version on, for `QuerySet.update`, or {} when the
    model has no version."""
    names = {field.name for field in model._meta.concrete_fields}
    return {"version": F("version") + 1} if "version" in names else {}


class VersionedAdminMixin:
    """Move the version on when staff change a row in the admin: the edit pages opened
    before then refuse to write the old values back. The admin itself checks nothing."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                claim_version(instance=obj, version=None, message="")
            super().save_model(request, obj, form, change)


# Forms ---------------------------------------------------------------------------------------

class VersionedFormMixin:
    """Carry the version read and a fingerprint of each field in hidden inputs.

    Mix it into a ModelForm of a model with a `version`. The view passes
    `form.cleaned_data["version"]` to the service; on an `edit_conflict`, it calls
    `show_conflict` with a form of the same class on the row as saved now: the form
    comes back with the person's input, the list of fields changed since they read
    it with their current values, and the current version, so that saving again
    replaces the current version knowingly.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=1, max_value=VERSION_MAX)
        self.fields[BASE] = forms.CharField(widget=forms.HiddenInput, required=False,
                                            max_length=4000)
        if self.instance.pk is not None:
            self.fields[VERSION].initial = self.instance.version
            # Computed when shown, once the subclass's __init__ has set its own initial values.
            self.fields[BASE].initial = lambda: _encode(self.fingerprints())

    def clean(self):
        # A hidden field's own error would show nowhere: say it for the whole form.
        if self.errors.pop(VERSION, None):
            raise forms.ValidationError(
                _("Le formulaire est incomplet : rechargez la page, puis refaites vos "
                  "changements."), code="version")
        self.errors.pop(BASE, None)
        return super().clean()

    def locked_field_names(self):
        return [name for name in self.fields if name not in (VERSION, BASE)]

    def fingerprints(self):
        """Return {field name: short hash of the value the unbound form shows}."""
        return {name: _hash(self[name].initial) for name in self.locked_field_names()}

    def show_conflict(self, error, *, current):
        """Say the save was refused, what `current` (an unbound form on the row as saved
        now) holds that differs from what the person read, and arm a knowing retry."""
        read = _decode(self.cleaned_data.get(BASE) or self.data.get(self.add_prefix(BASE)))
        now = current.fingerprints()
        self.add_error(None, error.message)
        for name in current.locked_field_names():
            if read and read.get(name) != now[name]:
                self.add_error(None, _("%(label)s vaut maintenant : %(value)s") % {
                    "label": current[name].label, "value": display_value(current, name)})
        self.add_error(None, _(
            "Vos saisies sont gardées ci-dessous : vérifiez-les, puis enregistrez à nouveau "
            "pour remplacer la version actuelle."))
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION)] = str(current.instance.version)
        self.data[self.add_prefix(BASE)] = _encode(now)


def _normal(value):
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return sorted(_normal(item) for item in value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    return "" if value is None else str(value)


def _hash(value):
    text = json.dumps(_normal(value), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _encode(prints):
    return ",".join(f"{name}:{digest}" for name, digest in prints.items())


def _decode(text):
    pairs = (item.split(":", 1) for item in (text or "").split(",") if ":" in item)
    return dict(pairs)


def display_value(form, name):
    """Return the value the unbound form shows in field `name`, as a person reads it."""
    instance, field = form.instance, form.fields[name]
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        model_field = None
    if model_field is not None and model_field.many_to_many:
        names = sorted(str(item) for item in getattr(instance, name).all())
        return ", ".join(names) or "—"
    if model_field is not None and model_field.is_relation:
        related = getattr(instance, name)
        return str(related) if related is not None else "—"
    value = form[name].initial
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(key): str(label) for key, label in field.choices}
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(str(item), str(item)) for item in value)
        return labels.get(str(value), str(value))
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int | float):
        return formats.number_format(value)
    return f"« {Truncator(str(value)).chars(200)} »"


# API -----------------------------------------------------------------------------------------

def version_field():
    """The API's `version`: sent back with every read, given back with a change."""
    return serializers.IntegerField(
        required=False, min_value=1, max_value=VERSION_MAX,
        help_text=gettext_lazy(
            "Version lue avant la modification : une modification faite entre-temps par "
            "quelqu'un d'autre est refusée (409, `code` « edit_conflict »). Absente, rien "
            "n'est vérifié. Ignorée à la création."))
