"""Who changed a call and when: its settings, dates and draft flag (django-simple-history
records of the call) and its scoring grid (records of its criteria), newest first.

A grid is replaced as a whole (funding.services.calls.call_grid_save): its new lines are
recorded at one date with the reason GRID_CHANGE, so one date is one version of the grid.
"""

from itertools import groupby

from django.utils.translation import gettext as _

from cluster.history import Change, HistoryEntry, history_entries, name_authors
from funding.models import Criterion

GRID_CHANGE = "grille"
HISTORY_LIMIT = 20


def _lines(records):
    if not records:
        return "—"
    return "; ".join(_("%(label)s (poids %(weight)s, sur %(max)s)") % {
        "label": record.label, "weight": record.weight, "max": record.max_score}
        for record in records)


def grid_entries(call, *, limit=HISTORY_LIMIT):
    """Return the latest `limit` versions of the call's grid, each with the one before, in
    two queries."""
    versions = Criterion.history.filter(
        call_id=call.pk, history_type="+", history_change_reason=GRID_CHANGE)
    dates = list(versions.order_by("-history_date").values_list(
        "history_date", flat=True).distinct()[:limit + 1])
    records = versions.filter(history_date__in=dates).select_related(
        "history_user").order_by("-history_date", "position", "history_id")
    grids = [list(rows) for _date, rows in groupby(records, key=lambda row: row.history_date)]
    entries = []
    for index, rows in enumerate(grids[:limit]):
        before = grids[index + 1] if index + 1 < len(grids) else []
        entry = HistoryEntry(date=rows[0].history_date, user=rows[0].history_user, kind="~")
        entry.changes.append(Change(label=_("Grille d'évaluation"), old=_lines(before),
                                    new=_lines(rows)))
        entries.append(entry)
    return entries


def call_history(call, *, viewer, limit=HISTORY_LIMIT):
    """Return the latest `limit` changes of the call and of its grid, newest first, their
    authors named as `viewer` may read them."""
    entries = history_entries(call, limit=limit) + grid_entries(call, limit=limit)
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return name_authors(entries[:limit], viewer=viewer)
