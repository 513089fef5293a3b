from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territories.errors import DomainError

__all__ = ["DomainError", "deletion_blocked_message"]

# Names of blocking rows shown per kind; the others are summed up by "…".
BLOCKERS_SHOWN = 3


def deletion_blocked_message(error):
    """Return, in French, what still depends on a row whose deletion the database refused.

    `error` is the `ProtectedError` or `RestrictedError` of a deletion; the message names the
    kinds of the blocking rows with their number and a few of their names, e.g.
    `3 projets (« Compost », « Vélo », « Jardin »…) en dépendent encore`.
    """
    if isinstance(error, ProtectedError):
        blocking = error.protected_objects
    elif isinstance(error, RestrictedError):
        blocking = error.restricted_objects
    else:
        raise TypeError(f"not a refused deletion: {error!r}")
    groups = {}
    for row in blocking:
        groups.setdefault(row._meta.model, []).append(row)
    parts = []
    for model, rows in sorted(groups.items(), key=lambda item: item[0]._meta.label):
        rows.sort(key=lambda row: row.pk)
        names = ", ".join(f"« {row} »" for row in rows[:BLOCKERS_SHOWN])
        if len(rows) > BLOCKERS_SHOWN:
            names += "…"
        kind = model._meta.verbose_name if len(rows) == 1 else model._meta.verbose_name_plural
        parts.append(f"{len(rows)} {kind} ({names})")
    blockers = parts[0] if len(parts) == 1 else _("%(first)s et %(last)s") % {
        "first": ", ".join(parts[:-1]), "last": parts[-1]}
    total = sum(len(rows) for rows in groups.values())
    return ngettext(
        "Suppression impossible : %(blockers)s en dépend encore. Retirez ce lien d'abord.",
        "Suppression impossible : %(blockers)s en dépendent encore. Retirez ces liens d'abord.",
        total,
    ) % {"blockers": blockers}
