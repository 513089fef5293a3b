"""The network of labelled territories: what each shares and needs, transfers of expertise
between peers, national masterclasses, company networks and regulatory blockers.

They live in cluster, with the clusters they tie together (DESIGN.md, "The national
level"): a transfer goes from one cluster's collective to another's, a blocker is raised by
a cluster about one of its défis. These models are imported by `cluster.models`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 2000


class KnowHow(models.Model):
    """One line of a cluster's « savoir-faire » (what it can share) or « besoins » (what it
    needs), on one of the network's national themes."""

    class Kind(models.TextChoices):
        OFFER = "savoir_faire", _("savoir-faire")
        NEED = "besoin", _("besoin")

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="know_how", verbose_name=_("cluster"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    # PROTECT: a national theme in use cannot be deleted, the refusal names what uses it.
    theme = models.ForeignKey("territories.Theme", on_delete=models.PROTECT,
                              related_name="know_how", verbose_name=_("thème national"))
    text = models.CharField(_("en quelques mots"), max_length=300)

    class Meta:
        verbose_name = _("savoir-faire ou besoin")
        verbose_name_plural = _("savoir-faire et besoins")
        ordering = ["cluster", "kind", "theme__name", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.theme_id} : {self.text}"


class Transfer(models.Model):
    """A transfer of expertise: a cluster asks a peer (`provider`) to share its know-how, on
    a national theme or across them; the peer accepts or refuses; once held, its date, format
    and outcome are recorded."""

    class Status(models.TextChoices):
        ASKED = "demande", _("demandé")
        ACCEPTED = "accepte", _("accepté")
        REFUSED = "refuse", _("refusé")
        HELD = "realise", _("réalisé")

    class Format(models.TextChoices):
        VISIT = "visite", _("visite")
        WORKSHOP = "atelier", _("atelier")
        MENTORING = "mentorat", _("mentorat")
        DOCUMENTS = "documents", _("documents")

    requester = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                  related_name="transfers_asked",
                                  verbose_name=_("territoire demandeur"))
    provider = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                 related_name="transfers_given",
                                 verbose_name=_("territoire pair sollicité"))
    # Optional: a know-how may cut across the themes (the seed's tiers-lieux do).
    theme = models.ForeignKey("territories.Theme", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="transfers",
                              verbose_name=_("thème national"))
    subject = models.CharField(_("ce qui est demandé"), max_length=300)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.ASKED)
    answer = models.TextField(_("réponse"), blank=True, max_length=TEXT_MAX_LENGTH)
    held_on = models.DateField(_("réalisé le"), null=True, blank=True)
    outcome = models.TextField(_("ce qui en est sorti"), blank=True, max_length=TEXT_MAX_LENGTH)
    # Where a row comes from when it is not typed on the platform (the demo's seed).
    source = models.CharField(_("source"), max_length=300, blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("demandé par"))
    asked_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("réponse de"))
    decided_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfert d'expertise")
        verbose_name_plural = _("transferts d'expertise")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(requester=models.F("provider")),
                                   name="transfer_between_two_clusters"),
            # One open transfer per pair and theme: the second ask is refused (services).
            models.UniqueConstraint(fields=["requester", "provider", "theme"],
                                    condition=Q(status__in=["demande", "accepte"]),
                                    name="one_open_transfer_per_pair_and_theme"),
        ]

    def __str__(self):
        return f"{self.provider.territory} → {self.requester.territory}"


class Masterclass(models.Model):
    """A national masterclass: an event of the network, run by the national team, that any
    member of any collective joins."""

    title = models.CharField(_("titre"), max_length=200)
    theme = models.ForeignKey("territories.Theme", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="masterclasses",
                              verbose_name=_("thème national"))
    starts_at = models.DateTimeField(_("début"))
    place = models.CharField(_("lieu ou lien de connexion"), max_length=300)
    description = models.TextField(_("programme"), blank=True, max_length=TEXT_MAX_LENGTH)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                          related_name="masterclasses",
                                          verbose_name=_("participant·es"))

    class Meta:
        verbose_name = _("masterclass nationale")
        verbose_name_plural = _("masterclasses nationales")
        ordering = ["-starts_at", "pk"]

    def __str__(self):
        return self.title


class CompanyNetwork(models.Model):
    """A national network of companies (e.g. « La France, une chance. Les entreprises
    s'engagent ») to which engaged companies of the clusters are linked."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    description = models.TextField(_("présentation"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("réseau national d'entreprises")
        verbose_name_plural = _("réseaux nationaux d'entreprises")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Blocker(models.Model):
    """A regulatory blocker a territory raises to the national team: the rule concerned,
    the défi it holds back; the national team tracks it up to a senior civil servant's
    sponsorship and its lifting, then publishes a summary."""

    class Status(models.TextChoices):
        RAISED = "remonte", _("remonté")
        EXAMINED = "instruit", _("instruit")
        SPONSORED = "parraine", _("parrainé")
        LIFTED = "leve", _("levé")
        DROPPED = "sans_suite", _("sans suite")

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE,
                                related_name="blockers", verbose_name=_("cluster"))
    challenge = models.ForeignKey("cluster.Challenge", on_delete=models.PROTECT,
                                  related_name="blockers", verbose_name=_("défi freiné"))
    rule = models.CharField(_("règle concernée"), max_length=300)
    text = models.TextField(_("le frein"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.RAISED)
    sponsor = models.CharField(_("parrainé par"), max_length=200, blank=True,
                               help_text=_("Nom et fonction du haut-fonctionnaire parrain."))
    public_summary = models.TextField(_("résumé public"), blank=True,
                                      max_length=TEXT_MAX_LENGTH)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("remonté par"))
    raised_at = models.DateTimeField(_("remonté le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    lifted_on = models.DateField(_("levé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("frein réglementaire")
        verbose_name_plural = _("freins réglementaires")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(rule=""), name="blocker_names_its_rule"),
        ]

    def __str__(self):
        return self.rule
