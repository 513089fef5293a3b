"""State changes of the projects app, shared by the pages and the API."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.models import Membership, SteeringDecision, SteeringMeeting, User
from cluster.tasks import send_email_task
from projects.models import Project, PrototypeDecision, Replication, StageChange
from projects.permissions import require_work_on

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


def unique_slug(model, title, *, limit=200):
    """Return a slug made from the title, numbered when it is taken or reserved."""
    base = slugify(title)[:limit] or "projet"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_links(*, cluster, challenge, carriers, partners, place, objectives):
    """Refuse links to another cluster's défi or objectives, or another territory's actors."""
    if challenge.cluster_id != cluster.pk:
        raise DomainError("Le défi choisi n'est pas un défi de ce cluster.",
                          code="foreign_challenge")
    if not carriers:
        raise DomainError("Un projet a au moins un acteur porteur.", code="no_carrier")
    actors = [*carriers, *partners]
    if any(actor.territory_id != cluster.territory_id for actor in actors):
        raise DomainError("Les porteurs et partenaires sont des acteurs du territoire du "
                          "cluster.", code="foreign_actor")
    if place is not None and place.territory_id != cluster.territory_id:
        raise DomainError("Le lieu choisi n'est pas un lieu du territoire du cluster.",
                          code="foreign_place")
    if any(objective.challenge.cluster_id != cluster.pk for objective in objectives):
        raise DomainError("Les objectifs choisis sont des objectifs des défis de ce cluster.",
                          code="foreign_objective")


@transaction.atomic
def project_save(*, project, fields, carriers, partners=(), themes=(), objectives=(), by):
    """Create or update a project with its links, after checking they belong to its cluster.

    The stage is never set here: it moves through project_move_stage, with a reason.
    """
    fields = {name: value for name, value in fields.items() if name != "stage"}
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


@transaction.atomic
def project_move_stage(*, project, to_stage, reason, on, by):
    """Move the project to a neighbouring stage, recording why and when."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to_stage not in Project.Stage.values:
        raise DomainError("Étape inconnue.", code="invalid_stage")
    if to_stage == project.stage:
        raise DomainError("Le projet est déjà à cette étape.", code="same_stage", status=409)
    if to_stage not in STAGE_MOVES[project.stage]:
        raise DomainError(
            f"Un projet passe d'une étape à la suivante : de « {project.get_stage_display()} », "
            f"il ne peut pas aller à « {Project.Stage(to_stage).label} ».",
            code="unreachable_stage", status=409)
    if not reason or not reason.strip():
        raise DomainError("Dites pourquoi le projet change d'étape.", code="no_reason")
    if on > timezone.localdate():
        raise DomainError("Un changement d'étape ne peut pas être daté dans le futur.",
                          code="future_change")
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
        raise DomainError("Ce comité de pilotage n'est pas celui du cluster du projet.",
                          code="foreign_meeting")
    if meeting.held_on > timezone.localdate():
        raise DomainError("Une décision s'enregistre une fois le comité tenu.",
                          code="future_meeting")
    if not text or not text.strip():
        raise DomainError("Écrivez ce qui a été décidé.", code="empty_decision")
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
        raise DomainError("L'essaimage se fait vers un autre territoire.",
                          code="same_territory")
    challenge = cluster.challenges.order_by("position", "pk").first()
    if challenge is None:
        raise DomainError("Le cluster d'arrivée n'a pas encore de défi : ajoutez-en un avant "
                          "d'essaimer un projet.", code="no_challenge")
    carriers = list(cluster.collective.actors.filter(territory=cluster.territory)[:1])
    if not carriers:
        raise DomainError("Le collectif d'arrivée n'a pas encore d'acteur sur son territoire : "
                          "ajoutez-en un comme porteur avant d'essaimer.", code="no_carrier")
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
               "url": settings.SITE_URL + reverse("projects:detail", args=[origin.slug])}
    subject = render_to_string("projects/emails/replication_subject.txt", context).strip()
    send_email_task.delay(
        subject=subject, to=sorted(emails),
        body=render_to_string("projects/emails/replication.txt", context),
        html_body=render_to_string("projects/emails/replication.html", context))
    return len(emails)


# Community --------------------------------------------------------------------------------


def community_member_save(*, member, fields, by):
    """Add a person to the cluster's community, or change what is known of them.

    The e-mail is optional but, when given, unique within the community (compared
    without case); the structure is one of the actors of the cluster's territory.
    """
    cluster = member.cluster
    require_work_on(by, cluster)
    fields = {**fields, "email": (fields.get("email") or "").strip().lower()}
    for name, value in fields.items():
        setattr(member, name, value)
    if member.actor is not None and member.actor.territory_id != cluster.territory_id:
        raise DomainError(_("Cette structure n'est pas un acteur du territoire du cluster."),
                          code="foreign_actor")
    if member.joined_on > timezone.localdate():
        raise DomainError(_("La date d'arrivée ne peut pas être dans le futur."),
                          code="future_join")
    if member.left_on is not None and member.left_on < member.joined_on:
        raise DomainError(_("La date d'arrivée doit précéder la date de départ (%(date)s).")
                          % {"date": date_format(member.left_on, "SHORT_DATE_FORMAT")},
                          code="left_before_joining")
    duplicate = _("Une personne de la communauté a déjà cet e-mail.")
    if member.email and cluster.community.filter(email__iexact=member.email).exclude(
            pk=member.pk).exists():
        raise DomainError(duplicate, code="duplicate_email", status=409)
    member.full_clean(exclude=["cluster"])
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # The same e-mail saved at the same moment by someone else.
        raise DomainError(duplicate, code="duplicate_email", status=409) from None
    return member


@transaction.atomic
def community_member_leave(*, member, left_on, by):
    """Record that the person left the community; their past attendance stays in the history."""
    require_work_on(by, member.cluster)
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
    require_work_on(by, cluster)
    try:
        attendee_ids = {int(pk) for pk in attendee_ids}
    except (TypeError, ValueError):
        raise DomainError(_("Liste de présence illisible : rechargez la page."),
                          code="invalid_attendees") from None
    for name, value in fields.items():
        setattr(meeting, name, value)
    if meeting.place is not None and meeting.place.territory_id != cluster.territory_id:
        raise DomainError(_("Ce lieu n'est pas sur le territoire du cluster."),
                          code="foreign_place")
    attendees = list(cluster.community.filter(pk__in=attendee_ids))
    if len(attendees) != len(attendee_ids):
        raise DomainError(_("Une personne cochée ne fait pas partie de la communauté de ce "
                            "cluster."), code="foreign_attendee")
    if attendees and meeting.held_on > timezone.localdate():
        raise DomainError(
            _("Cette rencontre est prévue le %(date)s : la présence s'enregistre une fois la "
              "rencontre passée.") % {"date": date_format(meeting.held_on, "SHORT_DATE_FORMAT")},
            code="future_attendance")
    gone = [member.name for member in attendees
            if member.left_on is not None and member.left_on < meeting.held_on]
    if gone:
        raise DomainError(_("Ces personnes avaient quitté la communauté avant cette rencontre : "
                            "%(names)s.") % {"names": ", ".join(gone)}, code="departed_attendee")
    meeting.full_clean(exclude=["cluster", "attendees"])
    with transaction.atomic():
        meeting.save()
        meeting.attendees.set(attendees)
    return meeting
