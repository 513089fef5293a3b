"""A newcomer's first steps: start a collective and its cluster, on a territory found or
created from its official codes, or ask to join a collective; and leaving the platform for
good while the collective's history stays.

Services: each checks its inputs, changes everything or nothing, and raises DomainError
with a French message.
"""

import re
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.join_models import JoinRequest
from cluster.models import Collective, Membership, User
from cluster.services import is_last_facilitator
from cluster.signals import account_deleting
from cluster.stewardship import _clean_text, cluster_start, steward_name
from territories.links import absolute_reverse
from territories.models import Epci, Territory
from territories.outbox import enqueue
from territories.services import territory_create

COLLECTIVE_NAME_MAX_LENGTH = 200


def _unique_slug(name):
    base = slugify(name)[:190] or "collectif"
    slug, number = base, 1
    while Collective.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def collective_found(*, name, by):
    """Create a collective whose first facilitator is the person."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Donnez un nom au collectif."), code="required")
    if len(name) > COLLECTIVE_NAME_MAX_LENGTH:
        raise DomainError(_("Le nom du collectif dépasse 200 caractères."), code="too_long")
    if Collective.objects.filter(name__iexact=name).exists():
        raise DomainError(_("Un collectif porte déjà ce nom : demandez à le rejoindre, ou "
                            "choisissez un autre nom."), code="duplicate", status=409)
    collective = Collective.objects.create(name=name, slug=_unique_slug(name))
    Membership.objects.create(user=by, collective=collective,
                              role=Membership.Role.FACILITATOR)
    return collective


# The levels a newcomer creates a territory from; départements and régions are for staff.
NEW_TERRITORY_LEVELS = ("communes", "epci")
CODE_SHAPES = {"communes": re.compile(r"\d[\dAB]\d{3}"), "epci": re.compile(r"\d{9}")}
# A newcomer's territory gets its kind from its EPCI's; it is edited later on its page.
KIND_OF_EPCI = {
    Epci.Kind.METRO: Territory.Kind.METROPOLE, Epci.Kind.MET69: Territory.Kind.METROPOLE,
    Epci.Kind.CU: Territory.Kind.AGGLOMERATION, Epci.Kind.CA: Territory.Kind.AGGLOMERATION,
    Epci.Kind.CC: Territory.Kind.RURAL,
}


@dataclass(frozen=True)
class NewTerritory:
    """A territory to create from official codes: INSEE codes of communes or EPCI SIREN."""

    name: str
    level: str
    codes: tuple
    kind: str = ""


def _shown(code):
    return "".join(char if char.isprintable() else "?" for char in code)[:20]


def _perimeter_codes(level, codes):
    """Return the codes, sorted, once they all have the shape of the chosen level."""
    if level not in NEW_TERRITORY_LEVELS:
        raise DomainError(_("Choisissez le niveau du périmètre : communes ou "
                            "intercommunalités (EPCI)."), code="invalid_level",
                          field="perimeter_level")
    codes = sorted({code.strip().upper() for code in codes if code.strip()})
    if not codes:
        raise DomainError(_("Indiquez au moins un code : code INSEE d'une commune ou SIREN "
                            "d'une intercommunalité."), code="empty", field="perimeter_codes")
    shapes = {name: {code for code in codes if shape.fullmatch(code)}
              for name, shape in CODE_SHAPES.items()}
    if shapes["communes"] and shapes["epci"]:
        raise DomainError(_("Le périmètre mélange des codes de communes et des SIREN d'EPCI : "
                            "choisissez un seul niveau."), code="mixed_levels",
                          field="perimeter_codes")
    other = "epci" if level == "communes" else "communes"
    if shapes[other] and not shapes[level]:
        raise DomainError(
            _("Ces codes sont des SIREN d'EPCI : choisissez le niveau « intercommunalités "
              "(EPCI) ».") if other == "epci" else
            _("Ces codes sont des codes INSEE de communes : choisissez le niveau « communes »."),
            code="wrong_level", field="perimeter_level")
    malformed = [_shown(code) for code in codes if code not in shapes[level]]
    if malformed:
        raise DomainError(_("Codes inconnus : %(codes)s. Un code INSEE de commune a 5 "
                            "caractères, un SIREN d'EPCI 9 chiffres.")
                          % {"codes": ", ".join(malformed)}, code="unknown_codes",
                          field="perimeter_codes")
    return codes


def _territory_name(name):
    name = " ".join((name or "").split())
    if "\x00" in name:
        raise DomainError(_("Le nom du territoire contient un caractère invalide."),
                          code="invalid", field="territory_name")
    if not name:
        raise DomainError(_("Donnez un nom au territoire."), code="required",
                          field="territory_name")
    if len(name) > 200:
        raise DomainError(_("Le nom du territoire dépasse 200 caractères."), code="too_long",
                          field="territory_name")
    return name


def _kind(level, codes):
    if level == "epci":
        kinds = set(Epci.objects.filter(code__in=codes).values_list("kind", flat=True))
        if len(kinds) == 1:
            return KIND_OF_EPCI.get(kinds.pop(), Territory.Kind.AGGLOMERATION)
        return Territory.Kind.AGGLOMERATION
    return Territory.Kind.MEDIUM_TOWN


def territory_from_codes(*, new, collective, by):
    """Return the territory with exactly this perimeter if one exists (it is joined, never
    taken: cluster_start asks its steward); else create it, unpublished, stewarded by the
    collective."""
    name = _territory_name(new.name)
    codes = _perimeter_codes(new.level, new.codes)
    existing = Territory.objects.filter(perimeter_level=new.level,
                                        perimeter_codes=codes).order_by("pk").first()
    if existing is not None:
        return existing
    if Territory.objects.filter(name__iexact=name).exists():
        raise DomainError(_("Un territoire s'appelle déjà « %(name)s » : cherchez-le "
                            "ci-dessus, ou choisissez un autre nom.") % {"name": name},
                          code="duplicate", field="territory_name", status=409)
    territory = territory_create(name=name, kind=new.kind or _kind(new.level, codes),
                                 level=new.level, codes=codes, is_published=False,
                                 created_by=by)
    steward_name(territory=territory, collective=collective, by=by)
    return territory


@transaction.atomic
def cluster_launch(*, by, start_date, duration_months=12, territory=None, new_territory=None,
                   collective=None, collective_name="", message=""):
    """Start a cluster, or ask the territory's steward for one: for a collective the person
    facilitates or a new one named here, on a territory chosen or created from its codes.
    A refusal at any point leaves nothing behind: no collective, no territory."""
    if (territory is None) == (new_territory is None):
        raise DomainError(_("Choisissez un territoire de la liste, ou créez-le depuis ses "
                            "codes officiels."), code="territory_required", field="territory")
    if collective is None:
        collective = collective_found(name=collective_name, by=by)
    if territory is None:
        territory = territory_from_codes(new=new_territory, collective=collective, by=by)
    return cluster_start(collective=collective, territory=territory, start_date=start_date,
                         duration_months=duration_months, by=by, message=message)


def _send(to, subject, body):
    enqueue("cluster.tasks.send_email_task",
            kwargs={"subject": subject, "body": body, "to": [to]})


def _link(name, *args):
    return absolute_reverse(name, *args)


@transaction.atomic
def join_request_send(*, collective, by, message=""):
    """Ask the collective's facilitators to let the person in."""
    message = _clean_text(message, _("Le message"))
    Collective.objects.select_for_update().filter(pk=collective.pk).first()
    if collective.memberships.filter(user=by).exists():
        raise DomainError(_("Vous faites déjà partie du collectif « %(name)s ».")
                          % {"name": collective.name}, code="already_member", status=409)
    if collective.join_requests.filter(user=by, status=JoinRequest.Status.PENDING).exists():
        raise DomainError(_("Votre demande pour rejoindre « %(name)s » attend déjà la réponse "
                            "de ses animateur·rices.") % {"name": collective.name},
                          code="already_requested", status=409)
    join_request = JoinRequest.objects.create(collective=collective, user=by, message=message)
    facilitators = User.objects.filter(
        is_active=True, memberships__collective=collective,
        memberships__role=Membership.Role.FACILITATOR).values_list("email", flat=True)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Demande pour rejoindre « %(name)s »") % {"name": collective.name}
        body = _("Bonjour,\n\n%(person)s demande à rejoindre le collectif « %(name)s ».\n\n"
                 "%(message)s\n\nAcceptez ou refusez la demande sur cette page :\n%(link)s\n") % {
            "person": by, "name": collective.name, "message": message,
            "link": _link("join_request_list", collective.slug)}
    for email in sorted(set(facilitators)):
        _send(email, subject, body)
    return join_request


@transaction.atomic
def join_request_decide(*, join_request, accept, by):
    """Accept (the person becomes a member) or refuse a pending request; tell the person."""
    join_request = JoinRequest.objects.select_for_update().select_related(
        "collective", "user").get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise DomainError(_("Cette demande a déjà reçu une réponse : elle est %(status)s.")
                          % {"status": join_request.get_status_display()},
                          code="already_decided", status=409)
    collective = join_request.collective
    if accept:
        Membership.objects.get_or_create(user=join_request.user, collective=collective,
                                         defaults={"role": Membership.Role.MEMBER})
    join_request.status = (JoinRequest.Status.ACCEPTED if accept
                           else JoinRequest.Status.REFUSED)
    join_request.decided_by, join_request.decided_at = by, timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    with translation.override(settings.LANGUAGE_CODE):
        if accept:
            subject = _("Bienvenue dans « %(name)s »") % {"name": collective.name}
            body = _("Bonjour,\n\nVotre demande est acceptée : vous êtes membre du collectif "
                     "« %(name)s ».\n\n%(link)s\n") % {
                "name": collective.name, "link": _link("collective_detail", collective.slug)}
        else:
            subject = _("Votre demande pour « %(name)s »") % {"name": collective.name}
            body = _("Bonjour,\n\nLes animateur·rices du collectif « %(name)s » n'ont pas "
                     "accepté votre demande. Vous pouvez rejoindre un autre collectif ou "
                     "lancer un cluster :\n%(link)s\n") % {
                "name": collective.name, "link": _link("onboarding")}
    if join_request.user.is_active:
        _send(join_request.user.email, subject, body)
    return join_request


def collectives_blocking_deletion(user):
    """Return the collectives the person is the last facilitator of."""
    return [membership.collective for membership in
            user.memberships.select_related("collective")
            if is_last_facilitator(membership)]


@transaction.atomic
def account_delete(*, user):
    """Close the account for good: its personal data is erased, the row stays so that the
    collective's history keeps an anonymous author. The last facilitator of a collective
    must first name another one."""
    user = User.objects.select_for_update().get(pk=user.pk)
    for membership in user.memberships.all():
        Collective.objects.select_for_update().filter(pk=membership.collective_id).first()
    blocking = collectives_blocking_deletion(user)
    if blocking:
        raise DomainError(
            _("Vous êtes le·la seul·e animateur·rice de : %(names)s. Nommez d'abord une autre "
              "personne animateur·rice de ce collectif, puis supprimez votre compte.")
            % {"names": ", ".join(f"« {c.name} »" for c in blocking)},
            code="last_facilitator", status=409)
    # The apps above remove what they keep about the person (cluster never imports them).
    account_deleting.send(sender=User, user=user, email=user.email)
    user.memberships.all().delete()
    user.join_requests.filter(status=JoinRequest.Status.PENDING).delete()
    user.auth_token_set.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"compte-supprime-{user.pk}@invalid.invalid"
    user.first_name, user.last_name = "Compte", "supprimé"
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    return user
