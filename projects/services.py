"""State changes of the projects app, shared by the pages and the API."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cluster.errors import DomainError
from cluster.models import Membership, SteeringDecision, SteeringMeeting, User
from projects.models import (
    Event,
    Project,
    PrototypeDecision,
    Registration,
    Replication,
    StageChange,
)
from projects.permissions import access_to_projects
from territories.links import absolute_reverse, absolute_url
from territories.locking import claim_version
from territories.outbox import enqueue

# Projects --------------------------------------------------------------------------------

# Where a project may go from each stage: one step forward, or one step back when an
# experiment shows it was not ready. Skipping a stage is never allowed.
Stage = Project.Stage
STAGE_MOVES = {
    Stage.IDEA: {Stage.PROTOTYPE},
    Stage.PROTOTYPE: {Stage.EXPERIMENT, Stage.IDEA},
    Stage.EXPERIMENT: {Stage.IMPACT, Stage.PROTOTYPE},
    Stage.IMPACT: {Stage.SCALE, Stage.EXPERIMENT},
    Stage.SCALE: {Stage.IMPACT},
}

# Paths of the project pages that a slug must not shadow.
RESERVED_SLUGS = {"clusters", "evenements", "nouveau"}


def unique_slug(model, title, *, limit=200, fallback="projet"):
    """Return a slug made from the title, numbered when it is taken or reserved."""
    base = slugify(title)[:limit] or fallback
    slug, n = base, 1
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_links(*, cluster, challenge, carriers, partners, place, objectives):
    """Refuse links to another cluster's défi or objectives, or another territory's actors."""
    if challenge.cluster_id != cluster.pk:
        raise DomainError(_("Le défi choisi n'est pas un défi de ce cluster."),
                          code="foreign_challenge")
    if not carriers:
        raise DomainError(_("Un projet a au moins un acteur porteur."), code="no_carrier")
    actors = [*carriers, *partners]
    if any(actor.territory_id != cluster.territory_id for actor in actors):
        raise DomainError(_("Les porteurs et partenaires sont des acteurs du territoire du "
                            "cluster."), code="foreign_actor")
    if place is not None and place.territory_id != cluster.territory_id:
        raise DomainError(_("Le lieu choisi n'est pas un lieu du territoire du cluster."),
                          code="foreign_place")
    if any(objective.challenge.cluster_id != cluster.pk for objective in objectives):
        raise DomainError(_("Les objectifs choisis sont des objectifs des défis de ce "
                            "cluster."), code="foreign_objective")


PROJECT_CONFLICT = gettext_lazy(
    "Quelqu'un a modifié ce projet pendant que vous le modifiiez : relisez sa version "
    "actuelle, puis refaites vos changements.")


@transaction.atomic
def project_save(*, project, fields, carriers, partners=(), themes=(), objectives=(), by,
                 version=None):
    """Create or update a project with its links, after checking they belong to its cluster.

    A change made from an outdated `version` is refused (see territories.locking). The
    stage is never set here: it moves through project_move_stage, with a reason, and
    does not move the version on (the edit form does not show it).
    """
    fields = {name: value for name, value in fields.items() if name != "stage"}
    if project.pk is not None:
        claim_version(instance=project, version=version, message=PROJECT_CONFLICT)
        # The row is locked now: keep a stage moved since the project was read.
        project.stage = Project.objects.values_list("stage", flat=True).get(pk=project.pk)
    for name, value in fields.items():
        setattr(project, name, value)
    _check_links(cluster=project.cluster, challenge=project.challenge, carriers=list(carriers),
                 partners=list(partners), place=project.place, objectives=list(objectives))
    if project.pk is None:
        project.slug = unique_slug(Project, project.title)
        project.created_by = by
    project._history_user = by
    project.full_clean()
    project.save()
    project.carriers.set(carriers)
    project.partners.set(partners)
    project.themes.set(themes)
    project.objectives.set(objectives)
    return project


def _check_change_date(project, on):
    """Refuse a stage change dated in the future, before the project's life began, or
    before the previous change: the project's history reads in order."""
    if on > timezone.localdate():
        raise DomainError(_("Un changement d'étape ne peut pas être daté dans le futur."),
                          code="future_change", field="changed_on")
    first, previous = project.first_day(), project.stage_changes.aggregate(
        last=Max("changed_on"))["last"]
    if on < first:
        raise DomainError(_("Un changement d'étape ne peut pas précéder la vie du projet, "
                            "commencée le %(date)s.") % {"date": _day(first)},
                          code="change_before_project", field="changed_on")
    if previous is not None and on < previous:
        raise DomainError(_("Un changement d'étape ne peut pas précéder le précédent, daté "
                            "du %(date)s.") % {"date": _day(previous)},
                          code="change_before_previous", field="changed_on")


def _day(day):
    return date_format(day, "DATE_FORMAT")


@transaction.atomic
def project_move_stage(*, project, to_stage, reason, on, by):
    """Move the project to a neighbouring stage, recording why and when."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to_stage not in Project.Stage.values:
        raise DomainError(_("Étape inconnue."), code="invalid_stage")
    if to_stage == project.stage:
        raise DomainError(_("Le projet est déjà à cette étape."), code="same_stage",
                          status=409)
    if to_stage not in STAGE_MOVES[project.stage]:
        raise DomainError(
            _("Un projet passe d'une étape à la suivante : de « %(current)s », il ne peut pas "
              "aller à « %(target)s ».")
            % {"current": project.get_stage_display(), "target": Project.Stage(to_stage).label},
            code="unreachable_stage", status=409)
    if not reason or not reason.strip():
        raise DomainError(_("Dites pourquoi le projet change d'étape."), code="no_reason")
    _check_change_date(project, on)
    change = StageChange.objects.create(project=project, from_stage=project.stage,
                                        to_stage=to_stage, reason=reason.strip(),
                                        changed_on=on, by=by)
    project.stage = to_stage
    project._history_user = by
    project.save(update_fields=["stage", "updated_at"])
    return change


@transaction.atomic
def prototype_decision_record(*, project, meeting, text, by):
    """Record the comité de pilotage's decision to run the project as a prototype (step 4).

    The decision is one of the meeting's decisions, so it also reads in the comité's minutes.
    """
    if meeting.cluster_id != project.cluster_id:
        raise DomainError(_("Ce comité de pilotage n'est pas celui du cluster du projet."),
                          code="foreign_meeting")
    if meeting.held_on > timezone.localdate():
        raise DomainError(_("Une décision s'enregistre une fois le comité tenu."),
                          code="future_meeting")
    if not text or not text.strip():
        raise DomainError(_("Écrivez ce qui a été décidé."), code="empty_decision")
    position = meeting.decisions.count()
    decision = SteeringDecision.objects.create(meeting=meeting, text=text.strip(),
                                               position=position)
    return PrototypeDecision.objects.create(project=project, decision=decision)


def steering_meetings_for(project):
    """Return the past comité meetings of the project's cluster, newest first."""
    return SteeringMeeting.objects.filter(cluster=project.cluster,
                                          held_on__lte=timezone.localdate())


@transaction.atomic
def project_replicate(*, origin, cluster, by, note=""):
    """Essaimage: start a copy of the project in another territory's cluster.

    The copy starts at the idea stage, answers the target cluster's défi chosen by the
    facilitator later (the first défi meanwhile), keeps a link to its origin, and the
    origin's collective is told by e-mail.
    """
    if cluster.territory_id == origin.cluster.territory_id:
        raise DomainError(_("L'essaimage se fait vers un autre territoire."),
                          code="same_territory")
    challenge = cluster.challenges.order_by("position", "pk").first()
    if challenge is None:
        raise DomainError(_("Le cluster d'arrivée n'a pas encore de défi : ajoutez-en un "
                            "avant d'essaimer un projet."), code="no_challenge")
    carriers = list(cluster.collective.actors.filter(territory=cluster.territory)[:1])
    if not carriers:
        raise DomainError(_("Le collectif d'arrivée n'a pas encore d'acteur sur son "
                            "territoire : ajoutez-en un comme porteur avant d'essaimer."),
                          code="no_carrier")
    copy = project_save(
        project=Project(cluster=cluster, challenge=challenge),
        fields={"title": origin.title, "summary": origin.summary,
                "expected_outcomes": origin.expected_outcomes},
        carriers=carriers, themes=list(origin.themes.all()), by=by)
    replication = Replication.objects.create(origin=origin, copy=copy, note=note, by=by)
    transaction.on_commit(lambda: notify_replication(replication_pk=replication.pk))
    return replication


def notify_replication(*, replication_pk):
    """Tell the origin's carriers (their contact e-mail) and its collective that it spreads."""
    replication = Replication.objects.select_related(
        "origin__cluster__territory", "copy__cluster__territory").get(pk=replication_pk)
    origin = replication.origin
    emails = set(origin.carriers.exclude(email="").values_list("email", flat=True))
    emails |= set(User.objects.filter(
        memberships__collective=origin.cluster.collective_id,
        memberships__role=Membership.Role.FACILITATOR, is_active=True,
    ).values_list("email", flat=True))
    if not emails:
        return 0
    context = {"replication": replication, "origin": origin, "copy": replication.copy,
               "url": absolute_reverse("projects:detail", origin.slug)}
    subject = render_to_string("projects/emails/replication_subject.txt", context).strip()
    enqueue("cluster.tasks.send_email_task", kwargs={
        "subject": subject, "to": sorted(emails),
        "body": render_to_string("projects/emails/replication.txt", context),
        "html_body": render_to_string("projects/emails/replication.html", context)})
    return len(emails)


@transaction.atomic
def project_delete(*, project, by):
    """Delete a project, for a facilitator of its collective or staff.

    A project taken up elsewhere (essaimage) stays, so that its copies keep their origin:
    unpublish it instead.
    """
    access_to_projects(by, project.cluster).require("delete")
    if project.replications.exists():
        raise DomainError(_("Ce projet a été essaimé ailleurs : il reste pour garder la "
                            "filiation. Dépubliez-le plutôt."), code="replicated", status=409)
    project.delete()


# Community --------------------------------------------------------------------------------


def community_member_save(*, member, fields, by):
    """Add a person to the cluster's community, or change what is known of them.

    The e-mail is optional but, when given, unique within the community (compared
    without case); the structure is one of the actors of the cluster's territory.
    """
    cluster = member.cluster
    access_to_projects(by, cluster).require("work_on")
    fields = {**fields, "email": (fields.get("email") or "").strip().lower()}
    for name, value in fields.items():
        setattr(member, name, value)
    if member.actor is not None and member.actor.territory_id != cluster.territory_id:
        raise DomainError(_("Cette structure n'est pas un acteur du territoire du cluster."),
                          code="foreign_actor", field="actor")
    if member.joined_on > timezone.localdate():
        raise DomainError(_("La date d'arrivée ne peut pas être dans le futur."),
                          code="future_join", field="joined_on")
    if member.left_on is not None and member.left_on < member.joined_on:
        raise DomainError(_("La date d'arrivée doit précéder la date de départ (%(date)s).")
                          % {"date": date_format(member.left_on, "SHORT_DATE_FORMAT")},
                          code="left_before_joining", field="joined_on")
    duplicate = _("Une personne de la communauté a déjà cet e-mail.")
    if member.email and cluster.community.filter(email__iexact=member.email).exclude(
            pk=member.pk).exists():
        raise DomainError(duplicate, code="duplicate_email", status=409, field="email")
    member.full_clean(exclude=["cluster"])
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # The same e-mail saved at the same moment by someone else.
        raise DomainError(duplicate, code="duplicate_email", status=409, field="email") from None
    return member


@transaction.atomic
def community_member_leave(*, member, left_on, by):
    """Record that the person left the community; their past attendance stays in the history."""
    access_to_projects(by, member.cluster).require("work_on")
    if member.left_on is not None:
        raise DomainError(_("%(name)s a déjà quitté la communauté le %(date)s.") % {
            "name": member.name, "date": date_format(member.left_on, "SHORT_DATE_FORMAT")},
            code="already_left", status=409)
    if left_on > timezone.localdate():
        raise DomainError(_("La date de départ ne peut pas être dans le futur."),
                          code="future_leave")
    if left_on < member.joined_on:
        raise DomainError(_("La date de départ doit suivre la date d'arrivée (%(date)s).")
                          % {"date": date_format(member.joined_on, "SHORT_DATE_FORMAT")},
                          code="left_before_joining")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


def community_meeting_save(*, meeting, fields, attendee_ids, by):
    """Save a meeting of the community and who attended it, all or nothing.

    A meeting may be planned ahead, but attendance is recorded only once it has
    taken place. Attendees are people of this cluster's community who had not
    left it before the meeting.
    """
    cluster = meeting.cluster
    access_to_projects(by, cluster).require("work_on")
    try:
        attendee_ids = {int(pk) for pk in attendee_ids}
    except (TypeError, ValueError):
        raise DomainError(_("Liste de présence illisible : rechargez la page."),
                          code="invalid_attendees") from None
    for name, value in fields.items():
        setattr(meeting, name, value)
    if meeting.place is not None and meeting.place.territory_id != cluster.territory_id:
        raise DomainError(_("Ce lieu n'est pas sur le territoire du cluster."),
                          code="foreign_place", field="place")
    attendees = list(cluster.community.filter(pk__in=attendee_ids))
    if len(attendees) != len(attendee_ids):
        raise DomainError(_("Une personne cochée ne fait pas partie de la communauté de ce "
                            "cluster."), code="foreign_attendee", field="attendees")
    if attendees and meeting.held_on > timezone.localdate():
        raise DomainError(
            _("Cette rencontre est prévue le %(date)s : la présence s'enregistre une fois la "
              "rencontre passée.") % {"date": date_format(meeting.held_on, "SHORT_DATE_FORMAT")},
            code="future_attendance", field="attendees")
    gone = [member.name for member in attendees
            if member.left_on is not None and member.left_on < meeting.held_on]
    if gone:
        raise DomainError(_("Ces personnes avaient quitté la communauté avant cette rencontre : "
                            "%(names)s.") % {"names": ", ".join(gone)}, code="departed_attendee",
                          field="attendees")
    meeting.full_clean(exclude=["cluster", "attendees"])
    with transaction.atomic():
        meeting.save()
        meeting.attendees.set(attendees)
    return meeting


# Events -----------------------------------------------------------------------------------

REGISTRATION_CANCEL_SALT = "registration-cancel"
EVENT_FIELDS = ("title", "starts_at", "ends_at", "place", "address", "programme", "capacity",
                "is_published")


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
        event.slug = unique_slug(Event, event.title, fallback="evenement")
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


EVENT_CONFLICT = gettext_lazy(
    "Quelqu'un a modifié cet évènement pendant que vous le modifiiez : relisez sa version "
    "actuelle, puis refaites vos changements.")


def event_update(*, event, projects=None, version=None, **fields):
    """Change an event; more places let the waiting list in, in order, and they are told.

    A change made from an outdated `version` is refused (see territories.locking). The
    slug stays: links already sent keep working.
    """
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise DomainError(_("Champs inconnus : %(names)s.")
                          % {"names": ", ".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        claim_version(instance=event, version=version, message=EVENT_CONFLICT)
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
                code="has_registrations", status=409, field="acknowledge")
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
                              code="already_registered", status=409, field="email")
        confirmed = live.filter(status=Registration.Status.CONFIRMED).count()
        status = (Registration.Status.CONFIRMED if confirmed < event.capacity
                  else Registration.Status.WAITING)
        try:
            with transaction.atomic():
                registration = Registration.objects.create(event=event, name=name[:200],
                                                           email=email, status=status)
        except IntegrityError:
            raise DomainError(_("Cette adresse e-mail est déjà inscrite à cet évènement."),
                              code="already_registered", status=409, field="email") from None
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
        "event_url": absolute_url(event.get_absolute_url()),
        "cancel_url": absolute_url(cancel_path),
    }


def _send(template_prefix, context, email):
    subject = "".join(render_to_string(f"{template_prefix}_subject.txt", context).splitlines())
    enqueue("cluster.tasks.send_email_task", kwargs={
        "subject": subject, "to": [email],
        "body": render_to_string(f"{template_prefix}.txt", context),
        "html_body": render_to_string(f"{template_prefix}.html", context)})
