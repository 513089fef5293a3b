"""A theme in use is never deleted: not from the admin, not from any other path.

Défis, projects, actors and shared indicators point to themes from the apps above;
deleting a theme would silently unlink them (the links of a many-to-many field are
deleted with it). The check runs before the deletion's transaction, so a refusal leaves
the caller's transaction usable. This module looks at every reverse relation of Theme, whatever app
declares it, so it never imports those apps.
"""

from django.db import models
from django.db.models.deletion import ProtectedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from territories.models import Theme, ThemeSynonym


def theme_uses(theme):
    """Return [(what, count)] for every kind of row that uses `theme` (its synonyms aside)."""
    uses = []
    for relation in Theme._meta.related_objects:
        model = relation.related_model
        if model is ThemeSynonym or getattr(relation, "on_delete", None) is models.DO_NOTHING:
            continue
        count = model._base_manager.filter(**{relation.field.name: theme}).count()
        if count:
            uses.append((capfirst(model._meta.verbose_name_plural), count))
    return uses


def theme_in_use_message(theme, uses):
    return _("Le thème « %(theme)s » est utilisé (%(uses)s) : il ne peut pas être supprimé. "
             "Retirez-le d'abord de ces éléments, ou renommez-le.") % {
        "theme": theme.name,
        "uses": ", ".join(f"{what} : {count}" for what, count in uses)}


def refuse_deleting_used_themes(themes):
    """Raise ProtectedError, before anything is written, if one of `themes` is in use.

    Called by Theme.delete() and ThemeQuerySet.delete(), so the admin, the shell and any
    page refuse alike (the admin also lists the refusal on its confirmation page).
    """
    for theme in themes:
        uses = theme_uses(theme)
        if uses:
            raise ProtectedError(theme_in_use_message(theme, uses), {theme})
