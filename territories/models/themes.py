"""Themes, the shared vocabulary of actors, projects and funding sources, and their synonyms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThemeQuerySet(models.QuerySet):
    def national(self):
        return self.filter(is_national=True)

    def delete(self):
        # A theme in use is refused before anything is written (see territories.themes).
        from territories.themes import refuse_deleting_used_themes

        refuse_deleting_used_themes(list(self))
        return super().delete()


class Theme(models.Model):
    """A theme of action shared by actors, défis and projects (alimentation durable…).

    Five of them are the network's national themes, the ones that « sont remontées des
    territoires » (Localtis, 2019): impact is summed across territories by these.
    """

    slug = models.SlugField(_("identifiant"), max_length=60, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    is_national = models.BooleanField(
        _("thème national"), default=False,
        help_text=_("L'un des cinq thèmes du réseau, par lesquels l'impact s'additionne "
                    "entre territoires."),
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        from territories.themes import refuse_deleting_used_themes

        refuse_deleting_used_themes([self])
        return super().delete(*args, **kwargs)


class ThemeSynonym(models.Model):
    """A word of partners' files that means a theme: « recyclerie » → économie circulaire.

    The actor import compares words without accents, case or punctuation, and also
    matches a longer phrase that starts with the word (« insertion professionnelle »).
    """

    word = models.CharField(
        _("mot ou expression"), max_length=100, unique=True,
        help_text=_("Tel qu'il apparaît dans les fichiers ; accents et majuscules ne comptent "
                    "pas."),
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="synonyms",
                              verbose_name=_("thème"))

    class Meta:
        verbose_name = _("synonyme de thème")
        verbose_name_plural = _("synonymes de thèmes")
        ordering = ["word"]

    def __str__(self):
        return f"{self.word} → {self.theme}"
