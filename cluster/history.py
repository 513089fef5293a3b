"""Who changed what and when: django-simple-history records, ready for the pages.

`history_entries` reads the latest records of an object in one query, and
compares each with the one before it (`diff_against`) in memory; the names of
related objects that changed are fetched at once, one query per related model,
so a page showing a history costs the same whatever its length.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from cluster import formatting

# Links to the parent and ordering numbers say nothing to the people reading the page.
HIDDEN_FIELDS = frozenset({"id", "cluster", "challenge", "objective", "step", "meeting",
                           "position", "version", "created_by"})


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    date: datetime
    user: object
    kind: str  # "+", "~" or "-", as simple-history writes them
    changes: list = field(default_factory=list)
    author: str = ""  # set by name_authors; else the page shows `user`

    @property
    def action(self):
        return {"+": _("création"), "~": _("modification"), "-": _("suppression")}[self.kind]


def history_entries(instance, *, limit=10):
    """Return the latest `limit` changes of the instance, newest first, each with its diff.

    Saves that changed nothing visible (a second save in the same request, a
    hidden field) are left out; to fill the page anyway, a window of three
    records per entry is read, still in one query.
    """
    if instance.pk is None:
        return []
    records = list(instance.history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[:3 * limit + 1])
    return describe(records, limit=limit)


def author_name(user, *, viewer):
    """Return how the author of a change is shown to `viewer`: by their name; a person
    who gave none by their e-mail to staff only."""
    if user is None:
        return _("auteur inconnu")
    name = user.get_full_name()
    if name:
        return name
    return user.email if viewer.is_staff else _("personne sans nom enregistré")


def name_authors(entries, *, viewer):
    """Set each entry's author as `viewer` may read it; return the entries."""
    for entry in entries:
        entry.author = author_name(entry.user, viewer=viewer)
    return entries


def describe(records, *, limit):
    """Turn history records of one object, newest first, into at most `limit` entries."""
    entries, pending = [], []
    for index, record in enumerate(records):
        if len(entries) == limit:
            break
        entry = HistoryEntry(date=record.history_date, user=record.history_user,
                             kind=record.history_type)
        previous = records[index + 1] if index + 1 < len(records) else None
        if record.history_type == "~":
            if previous is None:
                break  # the end of the window: nothing to compare it with
            delta = record.diff_against(previous)
            meta = record.instance_type._meta
            order = {model_field.name: position
                     for position, model_field in enumerate(meta.fields)}
            changes = sorted((change for change in delta.changes
                              if change.field not in HIDDEN_FIELDS),
                             key=lambda change: order.get(change.field, 0))
            if not changes:
                continue
            pending.append((entry, meta, changes))
        entries.append(entry)
    names = _related_names(pending)
    for entry, meta, changes in pending:
        for change in changes:
            model_field = meta.get_field(change.field)
            entry.changes.append(Change(
                label=capfirst(str(model_field.verbose_name)),
                old=_display(model_field, change.old, names),
                new=_display(model_field, change.new, names),
            ))
    return entries


def _related_names(pending):
    """Return {(model, pk): name} for every related object a change points to."""
    wanted = {}
    for _entry, meta, changes in pending:
        for change in changes:
            model_field = meta.get_field(change.field)
            if isinstance(model_field, models.ForeignKey):
                keys = wanted.setdefault(model_field.related_model, set())
                keys.update(value for value in (change.old, change.new) if value is not None)
    names = {}
    for model, keys in wanted.items():
        for pk, obj in model._default_manager.in_bulk(keys).items():
            names[(model, pk)] = str(obj)
    return names


def _display(model_field, value, names):
    if value is None or value == "":
        return "—"
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), _("(supprimé)"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formatting.number(value)
    return Truncator(str(value)).chars(120)
