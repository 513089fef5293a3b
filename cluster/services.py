"""State changes of the cluster app, shared by the pages and the API."""

import os
import secrets
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.models import AuthToken
from simple_history.utils import bulk_create_with_history

from cluster.errors import DomainError
from cluster.masterplan import (
    SECTION_KEYS,
    STALE_AFTER,
    build_snapshot,
    snapshot_is_adopted,
    snapshot_summary,
)
from cluster.masterplan_document import render_html, write_pdf
from cluster.models import (
    ApiTokenScope,
    Cluster,
    Collective,
    CollectiveActor,
    Deliverable,
    Engagement,
    Invitation,
    MasterPlan,
    MasterPlanSection,
    MasterPlanVersion,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringDecision,
    Stewardship,
    User,
    master_plan_pdf_path,
)
from cluster.permissions import access_to_cluster
from cluster.richtext import MAX_LENGTH as SECTION_MAX_LENGTH
from cluster.roadmap import add_months, plan_steps
from cluster.selectors import invitation_token_hash
from cluster.token_models import LABEL_MAX_LENGTH
from territories.locking import claim_version, save_if_unchanged
from territories.models import Actor
from territories.outbox import enqueue

API_TOKEN_LIFETIMES_DAYS = (30, 90, 365)
MAX_ACTIVE_API_TOKENS = 10


@transaction.atomic
def api_token_create(*, user, lifetime_days, label="", read_only=False, collective=None,
                     funder=None):
    """Create an API token for the user; return the row and the secret, shown only once.

    The token reads only, or reads and writes; it reaches everything the person reaches, or
    only one of their collectives (`collective`), or only the dossiers of one of the funders
    they review for (`funder`).
    """
    label = label.strip()
    if len(label) > LABEL_MAX_LENGTH or "\x00" in label:
        raise DomainError(
            _("Le nom du jeton tient en %(max)s caractères, sans caractère nul.")
            % {"max": LABEL_MAX_LENGTH}, code="invalid_label")
    if collective is not None and funder is not None:
        raise DomainError(_("Un jeton se limite à un collectif ou à un financeur, pas aux deux."),
                          code="invalid_scope")
    if collective is not None and not user.memberships.filter(collective=collective).exists():
        raise DomainError(_("Vous ne pouvez limiter un jeton qu'à un collectif dont vous "
                            "êtes membre."), code="invalid_scope")
    if funder is not None and not user.funder_memberships.filter(funder=funder).exists():
        raise DomainError(_("Vous ne pouvez limiter un jeton qu'à un financeur pour lequel "
                            "vous instruisez."), code="invalid_scope")
    if lifetime_days not in API_TOKEN_LIFETIMES_DAYS:
        raise DomainError(
            "Durée de validité non proposée : choisissez 30, 90 ou 365 jours.",
            code="invalid_lifetime",
        )
    if not user.is_active:
        raise DomainError("Un compte désactivé ne peut pas créer de jeton.", code="inactive")
    # Lock the person's row so two simultaneous requests cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    # Expired tokens open nothing: drop them here (the authentication no longer sweeps them
    # on every request) so that they never count against the cap.
    user.auth_token_set.filter(expiry__lt=timezone.now()).delete()
    if user.auth_token_set.count() >= MAX_ACTIVE_API_TOKENS:
        raise DomainError(
            f"Vous avez déjà {MAX_ACTIVE_API_TOKENS} jetons : révoquez-en un avant d'en créer "
            "un autre.",
            code="too_many_tokens",
            status=409,
        )
    token, secret = AuthToken.objects.create(user=user, expiry=timedelta(days=lifetime_days))
    limit = (ApiTokenScope.Limit.COLLECTIVE if collective is not None
             else ApiTokenScope.Limit.FUNDER if funder is not None else ApiTokenScope.Limit.NONE)
    token.api_scope = ApiTokenScope.objects.create(
        token=token, label=label, read_only=read_only, limit=limit, collective=collective,
        funder=funder)
    return token, secret


def api_token_revoke(*, token):
    """Revoke the token: every client using it is refused from now on."""
    token.delete()


# Clusters and their roadmap -------------------------------------------------------------

@transaction.atomic
def cluster_create(*, collective, territory, start_date, duration_months=12):
    """Create a cluster with its seven roadmap steps and their suggested milestones.

    No check of who asks: pages and the API go through cluster.stewardship.cluster_start,
    which sends a request instead when another collective stewards the territory.
    """
    if not 9 <= duration_months <= 12:
        raise DomainError("Un cluster dure de 9 à 12 mois.", code="invalid_duration")
    if Cluster.objects.filter(collective=collective, territory=territory).exists():
        raise DomainError("Ce collectif a déjà un cluster sur ce territoire.", code="duplicate",
                          status=409)
    cluster = Cluster.objects.create(collective=collective, territory=territory,
                                     start_date=start_date, duration_months=duration_months)
    # The first collective to run a cluster on a territory without steward becomes its
    # steward (see cluster.stewardship for who may start one on a stewarded territory).
    Stewardship.objects.get_or_create(territory=territory, defaults={"collective": collective})
    milestones = []
    for number, kind, summary, first, last, titles in plan_steps(start_date, duration_months):
        step = RoadmapStep.objects.create(cluster=cluster, number=number, kind=kind,
                                          summary=str(summary), start_date=first, end_date=last)
        milestones += [Milestone(step=step, title=str(title), due_date=last, position=position)
                       for position, title in enumerate(titles)]
    Milestone.objects.bulk_create(milestones)
    return cluster


def step_update(*, step, start_date, end_date, status, by):
    """Change a step's dates and status, for a person who steers the cluster: only one step
    is in progress at a time."""
    access_to_cluster(by, step.cluster).require("steer")
    if status not in RoadmapStep.Status.values:
        raise DomainError(_("État d'étape inconnu."), code="invalid_status")
    if end_date < start_date:
        raise DomainError(_("La fin de l'étape doit suivre son début."), code="invalid_dates")
    with transaction.atomic():
        if status == RoadmapStep.Status.DOING:
            step.cluster.steps.filter(status=RoadmapStep.Status.DOING).exclude(pk=step.pk) \
                .update(status=RoadmapStep.Status.TODO)
        step.start_date, step.end_date, step.status = start_date, end_date, status
        step.save(update_fields=["start_date", "end_date", "status"])
    return step


def milestone_complete(*, milestone, on):
    if milestone.done_on is not None:
        raise DomainError("Ce jalon est déjà atteint.", code="already_done", status=409)
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    return milestone


# Roadmap: milestones and deliverables ------------------------------------------------------

MILESTONE_DIRECTIONS = ("up", "down")


def _long_date(day):
    return formats.date_format(day, "DATE_FORMAT")


def _check_due_date(step, due_date):
    """Refuse a due date before the step starts or the cluster starts, or after both end.

    A milestone may fall in its step's window or later (a step runs late), but it
    belongs to the cluster: never before its launch, never after its end unless the
    step itself was moved beyond it.
    """
    cluster = step.cluster
    cluster_end = add_months(cluster.start_date, cluster.duration_months) - timedelta(days=1)
    if due_date < cluster.start_date:
        raise DomainError(
            _("L'échéance ne peut pas précéder le lancement du cluster, le %(date)s.")
            % {"date": _long_date(cluster.start_date)},
            code="due_before_cluster", field="due_date")
    if due_date < step.start_date:
        raise DomainError(
            _("L'échéance ne peut pas précéder le début de l'étape, le %(date)s.")
            % {"date": _long_date(step.start_date)},
            code="due_before_step", field="due_date")
    last_day = max(cluster_end, step.end_date)
    if due_date > last_day:
        raise DomainError(
            _("L'échéance doit tomber au plus tard le %(date)s, fin du cluster.")
            % {"date": _long_date(last_day)},
            code="due_after_cluster", field="due_date")


@transaction.atomic
def milestone_add(*, step, title, due_date):
    """Add a milestone at the end of the step's list."""
    _check_due_date(step, due_date)
    last = step.milestones.aggregate(last=Max("position"))["last"]
    return Milestone.objects.create(step=step, title=title, due_date=due_date,
                                    position=0 if last is None else last + 1)


@transaction.atomic
def milestone_update(*, milestone, title, due_date):
    """Rename or move a milestone; a new due date means a new reminder will go out.

    Only a new due date is checked: renaming a milestone whose step has moved since
    must not be refused.
    """
    fields = ["title", "due_date"]
    if due_date != milestone.due_date:
        _check_due_date(milestone.step, due_date)
        milestone.reminded_on = None
        fields.append("reminded_on")
    milestone.title, milestone.due_date = title, due_date
    milestone.save(update_fields=fields)
    return milestone


def milestone_move(*, milestone, direction):
    """Move a milestone one place up or down in its step and renumber the step's list."""
    if direction not in MILESTONE_DIRECTIONS:
        raise DomainError(_("Déplacement inconnu : « up » pour monter, « down » pour "
                            "descendre."), code="invalid_direction")
    with transaction.atomic():
        siblings = list(Milestone.objects.select_for_update().filter(step_id=milestone.step_id)
                        .order_by("position", "due_date", "pk"))
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == milestone.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            raise DomainError(
                _("Ce jalon est déjà le premier de l'étape.") if direction == "up"
                else _("Ce jalon est déjà le dernier de l'étape."),
                code="cannot_move", status=409)
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
    milestone.position = other
    return milestone


def milestone_reopen(*, milestone):
    """Mark a milestone reached by mistake (or undone since) as still to reach."""
    if milestone.done_on is None:
        raise DomainError(_("Ce jalon n'est pas encore atteint."), code="not_done", status=409)
    milestone.done_on = None
    milestone.save(update_fields=["done_on"])
    return milestone


def milestone_delete(*, milestone):
    milestone.delete()


# Accepted deliverables: extension → the content type they are served with.
DELIVERABLE_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "txt": "text/plain",
}
_SIGNATURES = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff",
               "jpeg": b"\xff\xd8\xff"}
_ODF = ("odt", "ods", "odp")
_OOXML = ("docx", "xlsx", "pptx")


def deliverable_extension(name):
    return os.path.splitext(name)[1].lower().lstrip(".")


def deliverable_max_bytes():
    return settings.DELIVERABLE_MAX_MB * 1024 * 1024


def _content_matches(upload, extension):
    """Return whether the file's bytes are what its extension claims."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension in _SIGNATURES:
        return head.startswith(_SIGNATURES[extension])
    if extension in _ODF + _OOXML:
        if not head.startswith(b"PK\x03\x04"):
            return False
        # Reading the zip's directory (not its members) tells an office file from any zip.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            upload.seek(0)
        return ("mimetype" in names) if extension in _ODF else ("[Content_Types].xml" in names)
    content = upload.read()
    upload.seek(0)
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def deliverable_check_file(upload):
    """Refuse a file too large, empty, of a type not accepted, or whose bytes belie its name."""
    extension = deliverable_extension(upload.name)
    if extension not in DELIVERABLE_TYPES:
        raise DomainError(
            _("Type de fichier non accepté. Envoyez un PDF, un document bureautique (odt, ods, "
              "odp, docx, xlsx, pptx), une image (png, jpg), un tableau CSV ou un texte (txt)."),
            code="file_type", field="file")
    if upload.size > deliverable_max_bytes():
        raise DomainError(
            _("Fichier trop lourd : %(size)s Mo, pour %(max)s Mo au plus.")
            % {"size": formats.number_format(round(upload.size / 1_048_576, 1)),
               "max": settings.DELIVERABLE_MAX_MB},
            code="file_too_large", field="file")
    if upload.size == 0:
        raise DomainError(_("Le fichier est vide."), code="file_empty", field="file")
    if not _content_matches(upload, extension):
        raise DomainError(
            _("Le contenu du fichier ne correspond pas à son extension .%(extension)s : "
              "enregistrez-le à nouveau depuis son logiciel, puis déposez-le.")
            % {"extension": extension},
            code="file_content", field="file")


def deliverable_file_name(name):
    """Return a file name safe to store: no path, no odd characters, a bounded length."""
    stem, extension = os.path.splitext(os.path.basename(name.replace("\\", "/")))
    try:
        stem = get_valid_filename(stem)[:100]
    except SuspiciousFileOperation:
        stem = "livrable"
    return f"{stem}{extension.lower()}"


def deliverable_add(*, step, title, upload, by):
    """Store a file produced by a step, once checked (size, type and leading bytes)."""
    deliverable_check_file(upload)
    deliverable = Deliverable(step=step, title=title, size=upload.size, uploaded_by=by)
    deliverable.file.save(deliverable_file_name(upload.name), upload, save=False)
    try:
        with transaction.atomic():
            deliverable.save()
    except Exception:
        deliverable.file.delete(save=False)
        raise
    return deliverable


def deliverable_delete(*, deliverable):
    """Delete the deliverable and, once that is committed, its file."""
    storage, name = deliverable.file.storage, deliverable.file.name
    with transaction.atomic():
        deliverable.delete()
        transaction.on_commit(lambda: storage.delete(name))


# Défis, objectives, measurements ---------------------------------------------------------

OBJECTIVE_CONFLICT = gettext_lazy(
    "Quelqu'un a modifié cet objectif pendant que vous le modifiiez. Rechargez la page pour "
    "voir sa version, puis refaites vos changements.")


def objective_save(*, objective, fields, version):
    """Save an objective edited from `version`; refuse if someone saved it in between.

    The check and the write are one UPDATE … WHERE version = %s (territories.locking),
    so two people saving at once cannot both win: the second gets a clear refusal
    instead of silently overwriting the first.
    """
    return save_if_unchanged(instance=objective, fields=fields, version=version,
                             message=OBJECTIVE_CONFLICT)


def measurement_date_error(*, measured_on, today, already_measured):
    """Return the DomainError a measurement dated `measured_on` breaks, or None.

    The rules of one measurement, shared by `measurement_record` and the CSV
    import: never in the future, one measurement per objective and day.
    """
    if measured_on > today:
        return DomainError("Une mesure ne peut pas être datée dans le futur.",
                           code="future_measurement")
    if already_measured:
        return DomainError("Une mesure existe déjà à cette date pour cet objectif.",
                           code="duplicate_measurement", status=409)
    return None


@transaction.atomic
def measurement_record(*, objective, measured_on, value, source, by):
    """Record a dated measurement of an objective's indicator."""
    error = measurement_date_error(
        measured_on=measured_on, today=timezone.localdate(),
        already_measured=objective.measurements.filter(measured_on=measured_on).exists())
    if error is not None:
        raise error
    return Measurement.objects.create(objective=objective, measured_on=measured_on, value=value,
                                      source=source, created_by=by)


# Collectives: invitations, memberships, member actors ------------------------------------
def _last_facilitator_error():
    return DomainError(_("Le collectif a besoin d'au moins un·e animateur·rice : nommez "
                         "d'abord une autre personne animateur·rice."),
                       code="last_facilitator", status=409)


def _new_invitation_secret():
    secret = secrets.token_urlsafe(32)
    return secret, invitation_token_hash(secret)


def _lock_collective(collective):
    # One collective's memberships and invitations change one request at a time, so two
    # simultaneous requests cannot both pass a check (last facilitator, one pending invitation).
    Collective.objects.select_for_update().filter(pk=collective.pk).first()


def _clean_email(email):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Cette adresse e-mail n'est pas valide."), code="invalid_email") \
            from None
    if len(email) > 254:
        raise DomainError(_("Cette adresse e-mail est trop longue."), code="invalid_email")
    return email


def _check_role(role):
    if role not in Membership.Role.values:
        raise DomainError(_("Rôle inconnu : choisissez animateur·rice ou membre."),
                          code="invalid_role", field="role")


def _send_invitation_email(invitation, secret, by):
    """Queue the invitation e-mail once the transaction commits, with its one-time link."""
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[secret])
    # The invitee's language is not known: the site's default one.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation, "collective": invitation.collective,
            "role": invitation.get_role_display(), "link": link,
            "inviter": by, "site_url": settings.SITE_URL,
        }
        subject = "".join(render_to_string("cluster/emails/invitation_subject.txt",
                                           context).splitlines())
        body = render_to_string("cluster/emails/invitation.txt", context)
        html_body = render_to_string("cluster/emails/invitation.html", context)
    to = [invitation.email]
    enqueue("cluster.tasks.send_email_task",
            kwargs={"subject": subject, "body": body, "to": to, "html_body": html_body})


@transaction.atomic
def invitation_create(*, collective, email, role, by):
    """Invite a person by e-mail to join the collective with a role; e-mail them the link.

    Return the invitation and its secret; only the secret's hash is stored, so the
    link in the e-mail is the one copy.
    """
    email = _clean_email(email)
    _check_role(role)
    _lock_collective(collective)
    if collective.memberships.filter(user__email__iexact=email).exists():
        raise DomainError(_("Cette personne fait déjà partie du collectif."),
                          code="already_member", status=409, field="email")
    now = timezone.now()
    open_invitations = collective.invitations.filter(email__iexact=email, accepted_at=None,
                                                     revoked_at=None)
    if open_invitations.filter(expires_at__gt=now).exists():
        raise DomainError(_("Une invitation est déjà en attente pour cette adresse : "
                            "renvoyez-la plutôt que d'en créer une autre."),
                          code="already_invited", status=409, field="email")
    # An expired invitation to the same address is replaced by the new one.
    open_invitations.update(revoked_at=now)
    secret, token_hash = _new_invitation_secret()
    invitation = Invitation.objects.create(
        collective=collective, email=email, role=role, token_hash=token_hash, invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS))
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


@transaction.atomic
def invitation_resend(*, invitation, by):
    """Send the invitation again with a fresh secret and expiry: the previous link stops working.

    Return the invitation and its new secret.
    """
    _lock_collective(invitation.collective)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été acceptée."), code="already_accepted",
                          status=409)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation a été annulée : invitez la personne à nouveau."),
                          code="revoked", status=409)
    if invitation.collective.memberships.filter(user__email__iexact=invitation.email).exists():
        raise DomainError(_("Cette personne fait déjà partie du collectif."),
                          code="already_member", status=409)
    secret, invitation.token_hash = _new_invitation_secret()
    now = timezone.now()
    invitation.created_at, invitation.invited_by = now, by
    invitation.expires_at = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation.save(update_fields=["token_hash", "created_at", "invited_by", "expires_at"])
    _send_invitation_email(invitation, secret, by)
    return invitation, secret


@transaction.atomic
def invitation_revoke(*, invitation, by):
    """Cancel an invitation not yet accepted: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été acceptée : retirez plutôt la personne "
                            "du collectif."), code="already_accepted", status=409)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation est déjà annulée."), code="revoked", status=409)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_check(invitation, now=None):
    """Raise the DomainError that says why the invitation can no longer be accepted, if so."""
    now = now or timezone.now()
    if invitation is None:
        raise DomainError(_("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet, "
                            "ou demandez une nouvelle invitation."), code="invalid_token",
                          status=404)
    if invitation.accepted_at is not None:
        raise DomainError(_("Cette invitation a déjà été utilisée : un lien d'invitation ne sert "
                            "qu'une fois."), code="already_used",
                          status=410)
    if invitation.revoked_at is not None:
        raise DomainError(_("Cette invitation a été annulée par le collectif. Demandez-en une "
                            "nouvelle à son animateur·rice si besoin."), code="revoked",
                          status=410)
    if invitation.expires_at <= now:
        raise DomainError(_("Cette invitation a expiré. Demandez à l'animateur·rice du collectif "
                            "de vous la renvoyer."), code="expired", status=410)


def _locked_invitation(token):
    return Invitation.objects.select_for_update().select_related("collective").filter(
        token_hash=invitation_token_hash(token)).first()


def _accept(invitation, user):
    if not user.is_active:
        raise DomainError(_("Ce compte est désactivé."), code="inactive")
    _lock_collective(invitation.collective)
    if invitation.collective.memberships.filter(user=user).exists():
        raise DomainError(_("Vous faites déjà partie de ce collectif."), code="already_member",
                          status=409)
    membership = Membership.objects.create(user=user, collective=invitation.collective,
                                           role=invitation.role)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_accept(*, token, user):
    """Make the person a member of the invitation's collective with the invited role.

    The person may have another address than the invited one: holding the link is
    what counts. Return the new membership.
    """
    invitation = _locked_invitation(token)
    invitation_check(invitation)
    return _accept(invitation, user)


@transaction.atomic
def invitation_accept_with_new_account(*, token, first_name, last_name, password):
    """Create an account for the invited address and accept the invitation with it.

    The link reached that mailbox, so the address is known to be theirs. Return
    the new membership; its user is the new account.
    """
    invitation = _locked_invitation(token)
    invitation_check(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError(_("Un compte existe déjà avec cette adresse e-mail : connectez-vous "
                            "pour accepter l'invitation."), code="account_exists", status=409)
    user = User.objects.create_user(email=invitation.email, password=password,
                                    first_name=first_name, last_name=last_name)
    return _accept(invitation, user)


def is_last_facilitator(membership):
    """Return whether the membership is the collective's only facilitator."""
    return membership.role == Membership.Role.FACILITATOR and not Membership.objects.filter(
        collective_id=membership.collective_id, role=Membership.Role.FACILITATOR,
    ).exclude(pk=membership.pk).exists()


def _locked_membership(membership):
    _lock_collective(membership.collective)
    return Membership.objects.select_for_update().get(pk=membership.pk)


@transaction.atomic
def membership_leave(*, membership):
    """Leave the collective; its last facilitator may not."""
    membership = _locked_membership(membership)
    if is_last_facilitator(membership):
        raise _last_facilitator_error()
    membership.delete()


@transaction.atomic
def membership_remove(*, membership, by):
    """Remove a person from the collective; its last facilitator may not be removed."""
    membership = _locked_membership(membership)
    if is_last_facilitator(membership):
        raise _last_facilitator_error()
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership, role, by):
    """Make a person facilitator or member; the last facilitator stays one."""
    _check_role(role)
    membership = _locked_membership(membership)
    if role != Membership.Role.FACILITATOR and is_last_facilitator(membership):
        raise _last_facilitator_error()
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def collective_actor_add(*, collective, actor, family):
    """Make an actor of one of the collective's territories a member actor, with its family."""
    if family not in CollectiveActor.Family.values:
        raise DomainError(_("Famille d'acteurs inconnue."), code="invalid_family")
    if not collective.clusters.filter(territory_id=actor.territory_id).exists():
        raise DomainError(_("Cet acteur n'est pas sur le territoire d'un cluster du collectif."),
                          code="foreign_actor")
    if collective.actor_links.filter(actor=actor).exists():
        raise DomainError(_("Cet acteur fait déjà partie du collectif."), code="duplicate",
                          status=409)
    return CollectiveActor.objects.create(collective=collective, actor=actor, family=family)


def collective_actor_remove(*, link):
    """Remove an actor from the collective; the actor stays on the territory's map."""
    link.delete()


# Engaged companies, comité de pilotage, measurements in bulk -------------------------------

# An actor recorded as a company gives its size to its engagements.
COMPANY_SIZES = {
    Actor.Kind.TPE: Engagement.Size.TPE,
    Actor.Kind.PME: Engagement.Size.PME,
    Actor.Kind.ETI: Engagement.Size.ETI,
    Actor.Kind.LARGE_COMPANY: Engagement.Size.LARGE,
}


@transaction.atomic
def engagement_save(*, engagement, fields, by):
    """Create or change a company's engagement in its cluster.

    The company is an actor of the cluster's territory. Its size, when left
    empty, is the actor's own when the actor is recorded as a company.
    """
    for name, value in fields.items():
        setattr(engagement, name, value)
    if engagement.company_id is None:
        raise DomainError(_("Choisissez l'entreprise engagée."), code="company_required",
                          field="company")
    if engagement.company.territory_id != engagement.cluster.territory_id:
        raise DomainError(_("L'entreprise doit être un acteur du territoire du cluster."),
                          code="company_outside_territory", field="company")
    if not engagement.size:
        engagement.size = COMPANY_SIZES.get(engagement.company.kind, "")
    if not engagement.size:
        raise DomainError(_("Indiquez la taille de l'entreprise : cet acteur n'est pas "
                            "répertorié comme une entreprise."), code="size_required", field="size")
    if engagement.value is not None and engagement.value < 0:
        raise DomainError(_("La valeur de l'engagement ne peut pas être négative."),
                          code="negative_value", field="value")
    engagement._history_user = by
    engagement.save()
    return engagement


def engagement_delete(*, engagement, by):
    """Delete an engagement; its history keeps who deleted it and when."""
    engagement._history_user = by
    engagement.delete()


@transaction.atomic
def steering_meeting_save(*, meeting, data, decisions, by, today=None):
    """Save a comité de pilotage with its decisions, all or nothing.

    `decisions` is the meeting's whole list of decisions, in order, each a dict
    {"id": pk or None, "text": …}; the meeting's decisions left out are deleted
    and empty texts ignored. None leaves the decisions as they are. A meeting
    may be planned in the future, but its decisions are recorded once it was held.
    """
    today = today or timezone.localdate()
    for name, value in data.items():
        setattr(meeting, name, value)
    if decisions is not None:
        decisions = [item for item in decisions if (item.get("text") or "").strip()]
        has_decisions = bool(decisions)
    else:
        has_decisions = meeting.pk is not None and meeting.decisions.exists()
    if has_decisions and meeting.held_on > today:
        raise DomainError(
            _("Les décisions s'enregistrent une fois le comité tenu : celui-ci est prévu le "
              "%(date)s. Enregistrez le comité sans décision, puis complétez-le après la "
              "réunion.") % {"date": formats.date_format(meeting.held_on, "SHORT_DATE_FORMAT")},
            code="decisions_before_meeting")
    if meeting.pk is None:
        meeting.created_by = by
    meeting._history_user = by
    meeting.save()
    if decisions is None:
        return meeting
    existing = {decision.pk: decision for decision in meeting.decisions.all()}
    kept = set()
    for position, item in enumerate(decisions):
        pk = item.get("id")
        if pk is not None and (pk not in existing or pk in kept):
            raise DomainError(_("Cette décision n'appartient pas à ce comité."),
                              code="unknown_decision")
        decision = existing[pk] if pk is not None else SteeringDecision(meeting=meeting)
        text = item["text"].strip()
        if decision.pk is None or (decision.text, decision.position) != (text, position):
            decision.text, decision.position = text, position
            decision._history_user = by
            decision.save()
        kept.add(decision.pk)
    for pk, decision in existing.items():
        if pk not in kept:
            decision._history_user = by
            decision.delete()
    return meeting


@transaction.atomic
def steering_meeting_delete(*, meeting, by):
    """Delete a comité de pilotage and its decisions; their history keeps who did it."""
    for decision in meeting.decisions.all():
        decision._history_user = by
        decision.delete()
    meeting._history_user = by
    meeting.delete()


@transaction.atomic
def measurements_import(*, objective, rows, by):
    """Record the rows of a checked CSV import, [(date, value, source), …], all or nothing.

    Every row goes through the rules of `measurement_record`; a row dated in the
    future or on a day already measured (in the meantime, or earlier in the
    rows) is skipped, so importing the same file twice adds nothing. Return the
    numbers of rows added and skipped.
    """
    # Two imports of the same objective at once wait for each other (PostgreSQL).
    list(Objective.objects.select_for_update().filter(pk=objective.pk).values_list("pk"))
    today = timezone.localdate()
    measured = set(objective.measurements.values_list("measured_on", flat=True))
    new = []
    for measured_on, value, source in rows:
        if measurement_date_error(measured_on=measured_on, today=today,
                                  already_measured=measured_on in measured) is not None:
            continue
        measured.add(measured_on)
        new.append(Measurement(objective=objective, measured_on=measured_on, value=value,
                               source=source, created_by=by))
    bulk_create_with_history(new, Measurement, batch_size=500, default_user=by)
    return len(new), len(rows) - len(new)


# Schéma directeur ----------------------------------------------------------------------------
# Members write the sections; facilitators and staff validate them, generate versions and
# publish one (see permissions). A version's snapshot is taken here, in the request, so the
# document always shows the data of that moment; the task only renders it to PDF.

def _master_plan_of(cluster):
    """Return the cluster's schéma directeur with its sections, created on first use."""
    plan, created = MasterPlan.objects.get_or_create(cluster=cluster)
    if created or plan.sections.count() < len(SECTION_KEYS):
        MasterPlanSection.objects.bulk_create(
            [MasterPlanSection(plan=plan, key=key) for key in SECTION_KEYS],
            ignore_conflicts=True)
    return plan


def _check_section_key(key):
    if key not in MasterPlanSection.Key.values:
        raise DomainError(_("Section du schéma directeur inconnue."), code="unknown_section",
                          status=404)


def master_plan_section_save(*, cluster, key, text, version, by):
    """Save a section's written part edited from `version`; refuse if someone saved it since.

    A change of the text withdraws the section's validation: the comité de pilotage
    validates what it read. The check and the write are one UPDATE … WHERE version,
    as for objectives.
    """
    _check_section_key(key)
    text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n")
                     .split("\n")).strip()
    if len(text) > SECTION_MAX_LENGTH:
        raise DomainError(
            _("Texte trop long : %(length)s caractères pour %(max)s au plus. Allégez la "
              "section ou renvoyez les détails en annexe.")
            % {"length": formats.number_format(len(text), force_grouping=True),
               "max": formats.number_format(SECTION_MAX_LENGTH, force_grouping=True)},
            code="text_too_long", field="text")
    with transaction.atomic():
        plan = _master_plan_of(cluster)
        section = plan.sections.get(key=key)
        claim_version(instance=section, version=version, message=_(
            "Quelqu'un a modifié cette section pendant que vous la rédigiez. Copiez votre "
            "texte, rechargez la page pour voir sa version, puis reportez vos changements."))
        if text != section.text and section.validated_at is not None:
            section.validated_at, section.validated_by = None, None
        section.text, section.updated_by = text, by
        section._history_user = by
        section.save()
    return section


@transaction.atomic
def master_plan_section_validate(*, section, by):
    """Record that the comité de pilotage validated the section as it is written now."""
    section = MasterPlanSection.objects.select_for_update().get(pk=section.pk)
    if not section.text.strip():
        raise DomainError(_("Rédigez la section avant de la faire valider."),
                          code="empty_section")
    if section.validated_at is not None:
        raise DomainError(_("Cette section est déjà validée."), code="already_validated",
                          status=409)
    section.validated_at, section.validated_by = timezone.now(), by
    section._history_user = by
    section.save(update_fields=["validated_at", "validated_by", "updated_at"])
    return section


@transaction.atomic
def master_plan_section_unvalidate(*, section, by):
    """Withdraw a section's validation, e.g. to rework it before the next comité."""
    section = MasterPlanSection.objects.select_for_update().get(pk=section.pk)
    if section.validated_at is None:
        raise DomainError(_("Cette section n'est pas validée."), code="not_validated",
                          status=409)
    section.validated_at, section.validated_by = None, None
    section._history_user = by
    section.save(update_fields=["validated_at", "validated_by", "updated_at"])
    return section


def _queue_master_plan_rendering(version):
    # Robust: when tasks run inline (no broker), a rendering that fails for good marks the
    # version failed instead of breaking the page that asked for it.
    enqueue("cluster.tasks.render_master_plan_version", args=[version.pk], robust=True)


def master_plan_generate(*, cluster, by):
    """Take a snapshot of the sections and of the cluster's data now, as a new numbered
    version, and queue its rendering to PDF.

    The snapshot is taken in this transaction: the document shows the data of this
    moment, whatever changes while the PDF is being made or afterwards.
    """
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        plan = _master_plan_of(cluster)
        # Locking the plan numbers versions one after the other (PostgreSQL).
        MasterPlan.objects.select_for_update().filter(pk=plan.pk).first()
        now = timezone.now()
        if plan.versions.filter(status=MasterPlanVersion.Status.PENDING,
                                queued_at__gt=now - STALE_AFTER).exists():
            raise DomainError(
                _("Une version est déjà en cours de génération : attendez qu'elle soit prête "
                  "avant d'en demander une autre."),
                code="generation_in_progress", status=409)
        sections = {section.key: section for section in plan.sections.select_related(
            "validated_by")}
        snapshot = build_snapshot(cluster, sections)
        number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = MasterPlanVersion.objects.create(
            plan=plan, number=number, created_by=by, snapshot=snapshot,
            summary=snapshot_summary(snapshot), is_adopted=snapshot_is_adopted(snapshot),
            queued_at=now)
        _queue_master_plan_rendering(version)
    return version


def master_plan_render(*, version):
    """Render the version's snapshot to HTML and PDF, then mark it ready; do it once.

    Safe to run again (a retried task, a worker killed half-way): a ready version is
    left alone; the PDF is written to a temporary file first, then stored under the
    version's one name, replacing what an interrupted attempt may have left there;
    the version points to it only once it is complete.
    """
    version = MasterPlanVersion.objects.select_related("plan", "created_by").get(pk=version.pk)
    if version.status == MasterPlanVersion.Status.READY:
        return version
    author = (version.created_by.get_full_name() or version.created_by.email) \
        if version.created_by else ""
    html = render_html(version.snapshot, number=version.number, author=author,
                       created_at=version.created_at)
    storage = version.pdf.storage
    name = master_plan_pdf_path(version, f"schema-directeur-v{version.number}.pdf")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as temporary:
        write_pdf(html, temporary)
        size = temporary.tell()
        temporary.seek(0)
        if storage.exists(name):
            storage.delete(name)
        name = storage.save(name, File(temporary, name=name))
    MasterPlanVersion.objects.filter(pk=version.pk).exclude(
        status=MasterPlanVersion.Status.READY).update(
        status=MasterPlanVersion.Status.READY, html=html, pdf=name, pdf_size=size,
        rendered_at=timezone.now(), error="")
    version.refresh_from_db()
    return version


def master_plan_render_failed(*, version_pk, error):
    """Mark a version whose rendering failed for good; it can be generated again later."""
    MasterPlanVersion.objects.filter(pk=version_pk, status=MasterPlanVersion.Status.PENDING) \
        .update(status=MasterPlanVersion.Status.FAILED, error=str(error)[:2000])


@transaction.atomic
def master_plan_requeue(*, version, by):
    """Queue again the rendering of a version that failed or has waited too long."""
    version = MasterPlanVersion.objects.select_for_update().get(pk=version.pk)
    now = timezone.now()
    if version.status == MasterPlanVersion.Status.READY:
        raise DomainError(_("Cette version est déjà prête."), code="already_ready", status=409)
    if (version.status == MasterPlanVersion.Status.PENDING and version.queued_at
            and version.queued_at > now - STALE_AFTER):
        raise DomainError(
            _("Cette version est en cours de génération depuis moins de %(minutes)s minutes : "
              "patientez encore un peu.")
            % {"minutes": int(STALE_AFTER.total_seconds() // 60)},
            code="not_stale", status=409)
    version.status, version.queued_at, version.error = (MasterPlanVersion.Status.PENDING, now,
                                                        "")
    version.save(update_fields=["status", "queued_at", "error"])
    _queue_master_plan_rendering(version)
    return version


@transaction.atomic
def master_plan_publish(*, version, by):
    """Publish the version on the territory's public page, in place of any other."""
    version = MasterPlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != MasterPlanVersion.Status.READY:
        raise DomainError(_("Seule une version prête (PDF produit) peut être publiée."),
                          code="not_ready", status=409)
    if not version.is_adopted:
        raise DomainError(
            _("Seule une version adoptée peut être publiée : toutes ses sections doivent avoir "
              "été validées par le comité de pilotage avant sa génération."),
            code="not_adopted", status=409)
    if version.published_at is not None:
        raise DomainError(_("Cette version est déjà publiée."), code="already_published",
                          status=409)
    MasterPlanVersion.objects.filter(plan_id=version.plan_id, published_at__isnull=False) \
        .update(published_at=None, published_by=None)
    version.published_at, version.published_by = timezone.now(), by
    version.save(update_fields=["published_at", "published_by"])
    return version


@transaction.atomic
def master_plan_unpublish(*, version, by):
    """Withdraw the version from the territory's public page."""
    version = MasterPlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is None:
        raise DomainError(_("Cette version n'est pas publiée."), code="not_published",
                          status=409)
    version.published_at, version.published_by = None, None
    version.save(update_fields=["published_at", "published_by"])
    return version
