"""State changes of the projects app, shared by the pages and the API."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cluster.errors import DomainError
from cluster.tasks import send_email_task
from projects.models import Event, Registration

# Projects ---------------------------------------------------------------------------------

# Events -----------------------------------------------------------------------------------

REGISTRATION_CANCEL_SALT = "registration-cancel"
EVENT_FIELDS = ("title", "starts_at", "ends_at", "place", "address", "programme", "capacity",
                "is_published")


def _unique_event_slug(title):
    base = slugify(title)[:200] or "evenement"
    slug, number = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_event(event, projects):
    """Refuse an event the rules do not allow, before anything is written."""
    if not (event.title or "").strip():
        raise DomainError(_("Donnez un titre à l'évènement."), code="missing_title")
    if event.capacity is None or event.capacity < 1:
        raise DomainError(_("Un évènement accueille au moins une personne."),
                          code="invalid_capacity")
    if event.ends_at <= event.starts_at:
        raise DomainError(_("La fin de l'évènement doit suivre son début."),
                          code="ends_before_start")
    if event.place is None and not event.address.strip():
        raise DomainError(_("Indiquez un lieu du territoire ou une adresse."),
                          code="no_location")
    if event.place is not None and event.place.territory_id != event.cluster.territory_id:
        raise DomainError(_("Ce lieu n'est pas sur le territoire du cluster."),
                          code="foreign_place")
    if any(project.cluster_id != event.cluster_id for project in projects):
        raise DomainError(_("Seuls les projets du cluster peuvent être présentés."),
                          code="foreign_project")


@transaction.atomic
def event_create(*, cluster, title, starts_at, ends_at, capacity, place=None, address="",
                 programme="", projects=(), is_published=False):
    """Create an event of the cluster with a unique slug taken from its title."""
    event = Event(cluster=cluster, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
                  capacity=capacity, place=place, address=address.strip(),
                  programme=programme, is_published=is_published)
    projects = list(projects)
    _check_event(event, projects)
    for _attempt in range(3):
        # Another event of the same title may take the slug in between: pick the next one.
        event.slug = _unique_event_slug(event.title)
        try:
            with transaction.atomic():
                event.save()
            break
        except IntegrityError:
            continue
    else:
        raise DomainError(_("Un évènement de ce titre vient d'être créé : réessayez."),
                          code="duplicate", status=409)
    event.projects.set(projects)
    return event


def event_update(*, event, projects=None, **fields):
    """Change an event; more places let the waiting list in, in order, and they are told.

    The slug stays: links already sent keep working.
    """
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise DomainError(_("Champs inconnus : %(names)s.")
                          % {"names": ", ".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        for name, value in fields.items():
            setattr(event, name, value)
        event.title, event.address = event.title.strip(), event.address.strip()
        projects = list(event.projects.all()) if projects is None else list(projects)
        _check_event(event, projects)
        confirmed = locked.registrations.filter(status=Registration.Status.CONFIRMED).count()
        if event.capacity < confirmed:
            raise DomainError(
                ngettext("%(count)d personne est déjà inscrite : la capacité ne peut pas "
                         "descendre en dessous.",
                         "%(count)d personnes sont déjà inscrites : la capacité ne peut pas "
                         "descendre en dessous.", confirmed) % {"count": confirmed},
                code="capacity_below_confirmed", status=409)
        event.save()
        event.projects.set(projects)
        promoted = _promote_waiting(event)
    return event, promoted


def event_delete(*, event, confirmed_registrations_acknowledged=False):
    """Delete an event; when people are registered, only once the facilitator said so, and
    tell each of them the event is cancelled."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        live = list(event.registrations.exclude(status=Registration.Status.CANCELLED))
        confirmed = sum(1 for r in live if r.status == Registration.Status.CONFIRMED)
        if confirmed and not confirmed_registrations_acknowledged:
            raise DomainError(
                ngettext("%(count)d personne est inscrite : confirmez la suppression, elle "
                         "sera prévenue par e-mail.",
                         "%(count)d personnes sont inscrites : confirmez la suppression, "
                         "elles seront prévenues par e-mail.", confirmed)
                % {"count": confirmed},
                code="has_registrations", status=409)
        notices = [(_event_email_context(event, registration), registration.email)
                   for registration in live if event.starts_at > timezone.now()]
        event.delete()
        for context, email in notices:
            transaction.on_commit(
                lambda context=context, email=email: _send(
                    "projects/emails/event_cancelled", context, email))


def registration_create(*, event, name, email):
    """Register a person: confirmed within capacity, else on the waiting list.

    The event's row is locked while confirmed registrations are counted, so
    simultaneous sign-ups are counted one after the other and the event is
    never over capacity.
    """
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise DomainError(_("Indiquez votre nom."), code="missing_name")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Saisissez une adresse e-mail valide."),
                          code="invalid_email") from None
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.is_published:
            raise DomainError(_("Les inscriptions ouvriront quand l'évènement sera publié."),
                              code="not_published")
        if event.starts_at <= timezone.now():
            raise DomainError(_("Les inscriptions sont closes : l'évènement a commencé."),
                              code="registrations_closed", status=409)
        live = event.registrations.exclude(status=Registration.Status.CANCELLED)
        if live.filter(email=email).exists():
            raise DomainError(_("Cette adresse e-mail est déjà inscrite à cet évènement."),
                              code="already_registered", status=409)
        confirmed = live.filter(status=Registration.Status.CONFIRMED).count()
        status = (Registration.Status.CONFIRMED if confirmed < event.capacity
                  else Registration.Status.WAITING)
        try:
            with transaction.atomic():
                registration = Registration.objects.create(event=event, name=name[:200],
                                                           email=email, status=status)
        except IntegrityError:
            raise DomainError(_("Cette adresse e-mail est déjà inscrite à cet évènement."),
                              code="already_registered", status=409) from None
        context = _event_email_context(event, registration)
        transaction.on_commit(
            lambda: _send("projects/emails/registration", context, registration.email))
    return registration


def registration_cancel(*, registration):
    """Cancel a registration; a confirmed place goes to the first on the waiting list."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise DomainError(_("Cette inscription est déjà annulée."), code="already_cancelled",
                              status=409)
        if event.starts_at <= timezone.now():
            raise DomainError(_("L'évènement a commencé : l'inscription ne peut plus être "
                                "annulée."), code="event_started", status=409)
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status"])
        promoted = _promote_waiting(event)
    return registration, promoted


def _promote_waiting(event):
    """Confirm the first people of the waiting list while there are free places.

    Call it inside a transaction that holds the event's row lock.
    """
    registrations = event.registrations.all()
    free = event.capacity - registrations.filter(status=Registration.Status.CONFIRMED).count()
    if free <= 0:
        return []
    promoted = list(registrations.filter(status=Registration.Status.WAITING)
                    .order_by("created_at", "pk")[:free])
    Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
        status=Registration.Status.CONFIRMED)
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        context = _event_email_context(event, registration)
        transaction.on_commit(
            lambda context=context, email=registration.email: _send(
                "projects/emails/promotion", context, email))
    return promoted


@transaction.atomic
def registration_set_attendance(*, event, attended_ids):
    """Record who of the confirmed people came, from the day of the event on."""
    if timezone.localdate() < timezone.localtime(event.starts_at).date():
        raise DomainError(_("La présence se note à partir du jour de l'évènement."),
                          code="too_early", status=409)
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    attended_ids = {int(pk) for pk in attended_ids}
    unknown = attended_ids - set(confirmed.values_list("pk", flat=True))
    if unknown:
        raise DomainError(_("Seules les personnes inscrites peuvent être notées présentes."),
                          code="unknown_registration")
    confirmed.filter(pk__in=attended_ids).update(attended=True)
    confirmed.filter(~Q(pk__in=attended_ids)).update(attended=False)
    return len(attended_ids)


def registration_cancel_token(registration):
    return signing.dumps(registration.pk, salt=REGISTRATION_CANCEL_SALT)


def registration_from_cancel_token(token):
    """Return the registration the signed link names, or None when the link was altered."""
    try:
        pk = signing.loads(token, salt=REGISTRATION_CANCEL_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("event").filter(pk=pk).first()


def _event_email_context(event, registration):
    cancel_path = reverse("projects:registration_cancel",
                          args=[registration_cancel_token(registration)])
    return {
        "event": event,
        "registration": registration,
        "event_url": settings.SITE_URL.rstrip("/") + event.get_absolute_url(),
        "cancel_url": settings.SITE_URL.rstrip("/") + cancel_path,
    }


def _send(template_prefix, context, email):
    subject = "".join(render_to_string(f"{template_prefix}_subject.txt", context).splitlines())
    send_email_task.delay(subject=subject, body=render_to_string(f"{template_prefix}.txt",
                                                                 context),
                          to=[email], html_body=render_to_string(f"{template_prefix}.html",
                                                                 context))
