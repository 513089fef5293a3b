"""Collectifs porteurs: their people (memberships, invitations) and their actors."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Collective(models.Model):
    """A collectif porteur: the actors and people who run a cluster on a territory."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="collectives",
        verbose_name=_("membres"),
    )
    actors = models.ManyToManyField(
        "territories.Actor",
        through="CollectiveActor",
        related_name="collectives",
        verbose_name=_("acteurs membres"),
    )

    class Meta:
        verbose_name = _("collectif porteur")
        verbose_name_plural = _("collectifs porteurs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role in a collective."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("animateur·rice")
        MEMBER = "member", _("membre")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    collective = models.ForeignKey(
        Collective,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("collectif"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("adhésion à un collectif")
        verbose_name_plural = _("adhésions aux collectifs")
        constraints = [
            models.UniqueConstraint(fields=["user", "collective"], name="unique_membership"),
        ]
        ordering = ["collective__name"]

    def __str__(self):
        return f"{self.user} — {self.collective} ({self.get_role_display()})"

    def get_absolute_url(self):
        return reverse("profile")


class CollectiveActor(models.Model):
    """An actor that belongs to a collective, with the family it brings to it.

    The label asks for a multi-actor collective: public bodies, ESS, engaged
    companies, support structures, research and citizens side by side.
    """

    class Family(models.TextChoices):
        PUBLIC = "collectivite", _("collectivité ou acteur public")
        ESS = "ess", _("structure de l'ESS")
        ESS_NETWORK = "reseau_ess", _("réseau de l'ESS")
        COMPANY = "entreprise", _("entreprise engagée")
        SUPPORT = "accompagnement", _("accompagnement")
        RESEARCH = "recherche", _("recherche")
        CITIZENS = "citoyens", _("citoyens")
        OTHER = "autre", _("autre")

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE,
                                   related_name="actor_links", verbose_name=_("collectif"))
    actor = models.ForeignKey("territories.Actor", on_delete=models.CASCADE,
                              related_name="collective_links", verbose_name=_("acteur"))
    family = models.CharField(_("famille"), max_length=20, choices=Family.choices,
                              default=Family.OTHER)
    joined_on = models.DateField(_("membre depuis"), auto_now_add=True)

    class Meta:
        verbose_name = _("acteur du collectif")
        verbose_name_plural = _("acteurs du collectif")
        ordering = ["family", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "actor"],
                                    name="unique_actor_per_collective"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_family_display()})"


class InvitationBase(models.Model):
    """An invitation by e-mail, valid until it expires, is cancelled or is used once.

    The collectives' invitations and the funders' share these fields; the pending, expired
    and accepted rules over them are in `cluster.services.invitations`.
    """

    email = models.EmailField(_("adresse e-mail"))
    # Only a hash of the secret is stored: the link in the e-mail is the one copy.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("invité·e par"))
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("acceptée par"))
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def is_pending(self, now):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class Invitation(InvitationBase):
    """An invitation by e-mail to join a collective, with the role the person will have."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE,
                                   related_name="invitations", verbose_name=_("collectif"))
    role = models.CharField(_("rôle"), max_length=20, choices=Membership.Role.choices,
                            default=Membership.Role.MEMBER)

    class Meta(InvitationBase.Meta):
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.collective}"
