"""State changes of the projects app, shared by the pages and the API."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from projects.permissions import require_work_on

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
