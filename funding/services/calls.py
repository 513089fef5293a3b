"""A funder's calls, managed in the back office: create and edit, edit the grid, open,
close, copy.

Each service checks that the person manages the call's funder (staff: every funder; a
funder's administrator: its own), then the call's state against `CALL_TRANSITIONS`, and
writes in one transaction: a refusal leaves nothing half-written.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cluster.errors import DomainError
from funding.history import GRID_CHANGE
from funding.models import Call, CallState, Criterion, Dossier
from funding.permissions import FunderAccess, FunderRight

CALL_FIELDS = ("title", "funder", "kind", "wave", "opens_at", "deadline", "max_amount",
               "description")
CRITERION_FIELDS = ("label", "description", "weight", "max_score")

# action: the states it starts from. A closed call is not opened again: copy it for the
# next wave.
CALL_TRANSITIONS = {
    "open": (CallState.DRAFT, CallState.SCHEDULED),
    "close": (CallState.OPEN,),
}

STATE_REFUSALS = {
    ("open", CallState.OPEN): gettext_lazy("Cet appel est déjà ouvert."),
    ("open", CallState.CLOSED): gettext_lazy(
        "Cet appel est clos : copiez-le pour ouvrir une nouvelle vague."),
    ("close", CallState.CLOSED): gettext_lazy("Cet appel est déjà clos."),
    ("close", CallState.DRAFT): gettext_lazy(
        "Cet appel est un brouillon : il n'a pas été ouvert, il n'y a rien à clore."),
    ("close", CallState.SCHEDULED): gettext_lazy(
        "Cet appel n'est pas encore ouvert : changez ses dates plutôt que de le clore."),
}


def _require_manager(by, funder):
    FunderAccess.of(by, funder).require(FunderRight.MANAGE_CALLS)


def _require_transition(call, action):
    state = call.state
    if state not in CALL_TRANSITIONS[action]:
        raise DomainError(STATE_REFUSALS[(action, state)], code="invalid_transition",
                          status=409)


def _lock(call):
    return Call.objects.select_for_update().get(pk=call.pk)


def _check_dates(opens_at, deadline):
    if deadline <= opens_at:
        raise DomainError(_("La date limite de dépôt doit suivre la date d'ouverture."),
                          code="reversed_dates", field="deadline")


def _check_wave(kind, wave):
    if wave is not None and kind != Call.Kind.LABEL:
        raise DomainError(_("Seul un appel de label a une vague de labellisation."),
                          code="wave_without_label", field="wave")


def _unique_slug(title):
    base = (slugify(title) or "appel")[:190]
    slug, number = base, 2
    while Call.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def call_save(*, by, call=None, **data):
    """Create a draft call (without `call`) or change one; `data` holds CALL_FIELDS."""
    _require_manager(by, data["funder"])
    if call is not None:
        call = _lock(call)
        _require_manager(by, call.funder)
    _check_dates(data["opens_at"], data["deadline"])
    _check_wave(data["kind"], data.get("wave"))
    if data.get("max_amount") is not None and data["max_amount"] < 0:
        raise DomainError(_("Le montant maximum ne peut pas être négatif."),
                          code="negative_amount", field="max_amount")
    if call is None:
        call = Call(is_draft=True, slug=_unique_slug(data["title"]))
    for name in CALL_FIELDS:
        setattr(call, name, data.get(name))
    call.description = call.description or ""
    call._history_user = by
    call.save()
    return call


def _write_grid(criteria, *, by):
    # One history record per line, all at one date: funding.history shows them as one
    # change of the grid.
    bulk_create_with_history(criteria, Criterion, default_user=by,
                             default_change_reason=GRID_CHANGE, default_date=timezone.now())


def _grid_in_use_error():
    return DomainError(_("Des dossiers ont déjà été déposés pour cet appel : sa grille ne se "
                         "modifie plus. Copiez l'appel pour en changer."),
                       code="grid_in_use", status=409)


@transaction.atomic
def call_grid_save(*, call, by, criteria):
    """Replace the call's scoring grid by `criteria` (dicts of CRITERION_FIELDS, in order).

    Refused once a dossier was submitted: reviews score the grid the dossiers were
    submitted to.
    """
    call = _lock(call)
    _require_manager(by, call.funder)
    if call.dossiers.exclude(status=Dossier.Status.DRAFT).exists():
        raise _grid_in_use_error()
    if not criteria:
        raise DomainError(_("La grille compte au moins un critère."), code="empty_grid",
                          field="criteria")
    for number, line in enumerate(criteria, start=1):
        if not (line.get("label") or "").strip():
            raise DomainError(_("Critère n° %(number)s : donnez-lui un intitulé.")
                              % {"number": number}, code="criterion_label", field="criteria")
        for name in ("weight", "max_score"):
            if line.get(name) is None or line[name] < 1:
                raise DomainError(
                    _("Critère n° %(number)s : le poids et la note maximale sont des nombres "
                      "entiers positifs (1 au moins).") % {"number": number},
                    code="zero_weight", field="criteria")
    call.criteria.all().delete()
    _write_grid([Criterion(call=call, position=position, label=line["label"].strip(),
                           description=line.get("description") or "", weight=line["weight"],
                           max_score=line["max_score"])
                 for position, line in enumerate(criteria, start=1)], by=by)
    return call


@transaction.atomic
def call_open(*, call, by, opens_at, deadline):
    """Open the call to dossiers from `opens_at` until `deadline` (a draft or a call still
    to come); it needs a grid."""
    call = _lock(call)
    _require_manager(by, call.funder)
    _require_transition(call, "open")
    _check_dates(opens_at, deadline)
    if deadline <= timezone.now():
        raise DomainError(_("La date limite de dépôt est passée : choisissez une date à "
                            "venir."), code="deadline_passed", field="deadline")
    if not call.criteria.exists():
        raise DomainError(_("Ajoutez au moins un critère à la grille avant d'ouvrir l'appel."),
                          code="empty_grid", status=409)
    call.is_draft, call.opens_at, call.deadline = False, opens_at, deadline
    call._history_user = by
    call.save(update_fields=["is_draft", "opens_at", "deadline"])
    return call


@transaction.atomic
def call_close(*, call, by):
    """Close an open call now: its deadline becomes this moment."""
    call = _lock(call)
    _require_manager(by, call.funder)
    _require_transition(call, "close")
    call.deadline = timezone.now()
    call._history_user = by
    call.save(update_fields=["deadline"])
    return call


@transaction.atomic
def call_copy(*, call, by):
    """Return a new draft call with the same settings and grid, titled "… (copie)"."""
    _require_manager(by, call.funder)
    suffix = _(" (copie)")
    title = call.title[:200 - len(suffix)] + suffix
    copy = Call(
        funder=call.funder, source=call.source, kind=call.kind, title=title,
        slug=_unique_slug(title), description=call.description,
        eligibility=call.eligibility, opens_at=call.opens_at, deadline=call.deadline,
        max_amount=call.max_amount, wave=call.wave, is_draft=True)
    copy._history_user = by
    copy.save()
    _write_grid([Criterion(call=copy, label=criterion.label, description=criterion.description,
                           weight=criterion.weight, max_score=criterion.max_score,
                           position=criterion.position)
                 for criterion in call.criteria.all()], by=by)
    return copy
