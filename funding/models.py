from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Funder(models.Model):
    """A body that funds or labels: it opens calls and reviews the dossiers filed to them."""

    class Kind(models.TextChoices):
        STATE = "state", _("État et opérateurs publics")
        REGION = "region", _("Région")
        DEPARTMENT = "department", _("Département")
        LOCAL = "local", _("Commune ou intercommunalité")
        EUROPE = "europe", _("Union européenne")
        FOUNDATION = "foundation", _("Fondation")
        COMPANY = "company", _("Entreprise (mécénat)")
        NETWORK = "network", _("Réseau ou organisme labellisateur")
        BANK = "bank", _("Banque ou investisseur")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("site web"), blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="FunderMember",
        related_name="funders",
        verbose_name=_("instructeur·rices"),
    )

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FunderMember(models.Model):
    """A person who reviews dossiers on behalf of a funder (the funder reviewer role)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="funder_memberships",
        verbose_name=_("personne"),
    )
    funder = models.ForeignKey(
        Funder,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("financeur"),
    )
    joined_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("instructeur·rice d'un financeur")
        verbose_name_plural = _("instructeur·rices des financeurs")
        constraints = [
            models.UniqueConstraint(fields=["user", "funder"], name="unique_funder_member"),
        ]

    def __str__(self):
        return f"{self.user} — {self.funder}"
