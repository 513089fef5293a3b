"""State changes of territories, shared by the pages, the API and the commands."""

import logging
import re
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from territories.errors import DomainError
from territories.geography import communes_in
from territories.import_writes import actor_import_write
from territories.imports import ImportFileError, actor_import_dry_run
from territories.locking import claim_version
from territories.models import Actor, ActorImport, Commune, Epci, Place, Territory
from territories.opendata_build import LOCK_KEY, read_manifest
from territories.outbox import enqueue

logger = logging.getLogger(__name__)

# Paths of the territory pages that a slug must not shadow.
RESERVED_SLUGS = {"nouveau", "communes", "perimetre"}

# Called with the new territory (and who created it) inside territory_create's transaction.
# cluster fills it in AppConfig.ready() to name the creator's collective as steward:
# territories never imports cluster.
territory_created_hooks = []


def register_territory_created_hook(hook):
    """Have `hook(territory=…, created_by=…)` called whenever a territory is created."""
    if hook not in territory_created_hooks:
        territory_created_hooks.append(hook)


PERIMETER_LEVELS = {
    "communes": "communes",
    "epci": "EPCI",
    "departement": "départements",
    "region": "régions",
}


@transaction.atomic
def territory_set_perimeter(*, territory, level, codes):
    """Make the territory's perimeter the communes of the given communes, EPCI, départements
    or régions; refuse unknown codes, leaving the perimeter as it was."""
    codes = sorted({code.strip() for code in codes if code.strip()})
    if level not in PERIMETER_LEVELS:
        raise DomainError(f"Niveau de périmètre inconnu : « {level} ».", code="invalid_level",
                          field="perimeter_codes")
    if not codes:
        raise DomainError("Choisissez au moins un élément pour le périmètre.", code="empty",
                          field="perimeter_codes")
    communes = list(communes_in(level=level, codes=codes).values_list("code", flat=True))
    if level == "communes":
        unknown = sorted(set(codes) - set(communes))
    else:
        field = {"epci": "epci_id", "departement": "department_id",
                 "region": "department__region_id"}[level]
        found = set(communes_in(level=level, codes=codes).values_list(field, flat=True))
        unknown = sorted(set(codes) - found)
    if unknown:
        raise DomainError(
            f"Codes inconnus parmi les {PERIMETER_LEVELS[level]} : {', '.join(unknown)}.",
            code="unknown_codes", field="perimeter_codes",
        )
    territory.communes.set(communes)
    territory.perimeter_level, territory.perimeter_codes = level, codes
    territory.save(update_fields=["perimeter_level", "perimeter_codes"])
    return len(communes)


@transaction.atomic
def territory_create(*, name, kind, level, codes, summary="", is_published=False, **fields):
    """Create a territory with its perimeter, or nothing at all if the perimeter is refused."""
    slug = slugify(name)[:200]
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-territoire"
    if not slug or Territory.objects.filter(slug=slug).exists():
        raise DomainError(f"Un territoire nommé « {name} » existe déjà.", code="duplicate",
                          field="name")
    cooperation = fields.pop("cooperation_territories", [])
    territory = Territory.objects.create(
        name=name, slug=slug, kind=kind, summary=summary, is_published=is_published, **fields
    )
    territory.cooperation_territories.set(cooperation)
    territory_set_perimeter(territory=territory, level=level, codes=codes)
    for hook in territory_created_hooks:
        hook(territory=territory, created_by=fields.get("created_by"))
    return territory


# Priority cooperation territories ------------------------------------------------------------

# A commune's INSEE code (Corsica's start 2A or 2B), or an EPCI's SIREN.
_OFFICIAL_CODE = re.compile(r"(?:\d{5}|2[AB]\d{3}|\d{9})")
_EPCI_KINDS = {
    Epci.Kind.METRO: Territory.Kind.METROPOLE, Epci.Kind.MET69: Territory.Kind.METROPOLE,
    Epci.Kind.CU: Territory.Kind.AGGLOMERATION, Epci.Kind.CA: Territory.Kind.AGGLOMERATION,
}


def _official_area(code):
    """Return (perimeter level, name, kind) of the commune or EPCI with this code."""
    if len(code) == 5:
        commune = Commune.objects.filter(code=code).first()
        if commune is not None:
            kind = (Territory.Kind.MEDIUM_TOWN if commune.population >= 20_000
                    else Territory.Kind.RURAL)
            return "communes", commune.name, kind
    else:
        epci = Epci.objects.filter(code=code).first()
        if epci is not None:
            return "epci", epci.name, _EPCI_KINDS.get(epci.kind, Territory.Kind.RURAL)
    raise DomainError(
        _("Aucune commune ni intercommunalité de la géographie officielle n'a le code "
          "« %(code)s ».") % {"code": code}, code="unknown_code", field="cooperation_code")


@transaction.atomic
def cooperation_territory_add(*, territory, code, by=None):
    """Name a commune or an EPCI of the official geography, by its INSEE code or SIREN, as a
    priority cooperation territory of `territory`; return the territory that stands for it.

    A cooperation territory need not run a cluster: the platform territory whose perimeter
    is exactly that commune or EPCI is reused, or created as a draft named after it.
    """
    code = "".join(str(code or "").split()).upper()
    if not _OFFICIAL_CODE.fullmatch(code):
        raise DomainError(
            _("Donnez le code INSEE d'une commune (5 caractères, par exemple 13055) ou le "
              "SIREN d'une intercommunalité (9 chiffres)."),
            code="invalid_code", field="cooperation_code")
    level, name, kind = _official_area(code)
    other = Territory.objects.filter(perimeter_level=level, perimeter_codes=[code]).first()
    if other is None:
        taken = Territory.objects.filter(slug=slugify(name)[:200]).exists()
        other = territory_create(name=f"{name} ({code})" if taken else name, kind=kind,
                                 level=level, codes=[code], created_by=by)
    if other.pk == territory.pk:
        raise DomainError(_("Un territoire ne peut pas être son propre territoire de "
                            "coopération."), code="same_territory", field="cooperation_code")
    if territory.cooperation_territories.filter(pk=other.pk).exists():
        raise DomainError(_("« %(name)s » est déjà un territoire de coopération prioritaire.")
                          % {"name": other.name}, code="already_cooperating", status=409,
                          field="cooperation_code")
    territory.cooperation_territories.add(other)
    return other


# Imports of actors ---------------------------------------------------------------------

INLINE_IMPORT_ROWS = 2000  # above this, a worker writes the file and the page shows progress


def actor_import_preview(*, territory, upload, by, publish=False):
    """Read and check an uploaded CSV without writing any actor; keep the file and what
    each of its lines would do."""
    raw = upload.read()
    try:
        preview = actor_import_dry_run(territory=territory, raw=raw)
    except ImportFileError as error:
        raise DomainError(str(error), code="unreadable_file", field="file") from None
    upload.seek(0)
    return ActorImport.objects.create(
        territory=territory, file=upload, original_name=upload.name[:255], created_by=by,
        publish=publish, total_rows=len(preview.rows), report=preview.report(),
    )


def actor_import_confirm(*, actor_import, include_outside=False):
    """Write a previewed import now, or queue it for a worker when the file is large.

    Actors whose commune lies outside the territory are written only with
    `include_outside`, the facilitator's choice on the preview.
    """
    with transaction.atomic():
        actor_import = ActorImport.objects.select_for_update().get(pk=actor_import.pk)
        if actor_import.status != ActorImport.Status.PREVIEW:
            raise DomainError(_("Cet import a déjà été lancé."), code="already_started",
                              status=409)
        actor_import.status = ActorImport.Status.QUEUED
        actor_import.include_outside = include_outside
        actor_import.save(update_fields=["status", "include_outside"])
        background = actor_import.total_rows > INLINE_IMPORT_ROWS
        if background:
            enqueue("territories.tasks.run_actor_import_task", args=[actor_import.pk])
    if not background:
        actor_import_run(actor_import=actor_import)
    actor_import.refresh_from_db()
    return actor_import


def actor_import_run(*, actor_import):
    """Read the stored file again (the map may have changed since the preview) and write it;
    keep the report of what was written."""
    ActorImport.objects.filter(pk=actor_import.pk).update(status=ActorImport.Status.RUNNING)
    step = max(1, actor_import.total_rows // 20)

    def progress(done):
        if done % step == 0:
            ActorImport.objects.filter(pk=actor_import.pk).update(processed_rows=done)

    try:
        with actor_import.file.open("rb") as stored:
            raw = stored.read()
        preview = actor_import_dry_run(territory=actor_import.territory, raw=raw,
                                       progress=progress)
        actor_import_write(territory=actor_import.territory, preview=preview,
                           publish=actor_import.publish,
                           include_outside=actor_import.include_outside)
    except Exception as error:
        ActorImport.objects.filter(pk=actor_import.pk).update(
            status=ActorImport.Status.FAILED, finished_at=timezone.now(),
            report={**actor_import.report, "error": str(error)},
        )
        raise
    ActorImport.objects.filter(pk=actor_import.pk).update(
        status=ActorImport.Status.DONE, processed_rows=len(preview.rows),
        finished_at=timezone.now(), report=preview.report(),
    )


TERRITORY_CONFLICT = _(
    "Quelqu'un a modifié ce territoire pendant que vous le modifiiez : relisez sa version "
    "actuelle, puis refaites vos changements.")


@transaction.atomic
def territory_update(*, territory, level, codes, cooperation_territories=(), version=None,
                     **fields):
    """Change a territory and its perimeter together, or not at all.

    Refused if someone saved it since `version` (see territories.locking).
    """
    claim_version(instance=territory, version=version, message=TERRITORY_CONFLICT)
    for name, value in fields.items():
        setattr(territory, name, value)
    territory.save()
    territory.cooperation_territories.set(
        [other for other in cooperation_territories if other.pk != territory.pk])
    territory_set_perimeter(territory=territory, level=level, codes=codes)
    return territory


# Actors and places of the map -------------------------------------------------------------

ITEM_CONFLICTS = {
    Actor: _("Quelqu'un a modifié cet acteur pendant que vous le modifiiez : relisez sa "
             "version actuelle, puis refaites vos changements."),
    Place: _("Quelqu'un a modifié ce lieu pendant que vous le modifiiez : relisez sa version "
             "actuelle, puis refaites vos changements."),
}


@transaction.atomic
def item_save(*, item, fields, version=None):
    """Create or change an actor or a place of the map, its themes included.

    A change made from an outdated `version` is refused (see territories.locking). The
    fields come checked by a form or a serializer.
    """
    if item.pk is not None:
        claim_version(instance=item, version=version, message=ITEM_CONFLICTS[type(item)])
    links = {}
    for name, value in fields.items():
        if item._meta.get_field(name).many_to_many:
            links[name] = value
        else:
            setattr(item, name, value)
    item.save()
    for name, value in links.items():
        getattr(item, name).set(value)
    return item


@transaction.atomic
def territory_set_published(*, territory, published, by=None):
    """Publish the territory (its public page and map open to everyone) or take it back to
    draft; refuse a change that changes nothing, so a second click says so. `by` is
    recorded as the change's author in the territory's history."""
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    if territory.is_published == published:
        raise DomainError(_("Ce territoire est déjà publié.") if published
                          else _("Ce territoire n'est déjà plus publié."),
                          code="unchanged", status=409)
    territory.is_published = published
    if by is not None:
        territory._history_user = by
    territory.save(update_fields=["is_published"])
    return territory


# Open data --------------------------------------------------------------------------------------

def open_data_publish(*, by):
    """Queue a build of the open data files for staff; refuse while one runs or just ran.

    Idempotent within OPENDATA_REBUILD_SECONDS: a second click publishes nothing twice.
    """
    if cache.get(LOCK_KEY):
        raise DomainError(_("Une publication des données ouvertes est déjà en cours."),
                          code="opendata_running", status=409)
    manifest = read_manifest()
    if manifest:
        age = (timezone.now() - datetime.fromisoformat(manifest["built_at"])).total_seconds()
        if 0 <= age < settings.OPENDATA_REBUILD_SECONDS:
            raise DomainError(
                _("Les données ouvertes viennent d'être publiées : réessayez dans une "
                  "minute."), code="opendata_too_soon", status=429)
    logger.info("Publication des données ouvertes demandée par %s", by.pk)
    enqueue("territories.tasks.build_open_data_task")
