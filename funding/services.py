"""State changes of the funding app, shared by the pages and the API."""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster.errors import DomainError
from funding.labels import label_from_decision
from funding.models import (
    ConflictDeclaration,
    Contribution,
    Decision,
    Dossier,
    DossierEvent,
    FundingPlan,
    Review,
    Score,
)
from funding.permissions import (
    CHOICE_REQUIRED,
    EDITABLE_STATUSES,
    DossierAccess,
    Right,
    already_decided_error,
    frozen_error,
    transition_error,
)
from funding.selectors import dossier_checklist
from funding.snapshot import dossier_contents
from funding.transitions import DOSSIER_TRANSITIONS
from funding.webhook_models import WebhookEndpoint
from funding.webhook_services import webhook_event_emit
from territories.locking import claim_version
from territories.outbox import enqueue

# Catalogue and funding plans -------------------------------------------------------------

MAX_PLAN_YEARS = 10


def _check_amount(amount):
    """Refuse an amount that is not a positive number of euros with at most two decimals."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError("Saisissez un montant en euros, par exemple 12 500,50.",
                          code="invalid_amount") from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError("Le montant doit être supérieur à zéro.", code="invalid_amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("Un montant s'arrête aux centimes : deux chiffres après la virgule "
                          "au plus.", code="invalid_amount")
    if amount >= Decimal(10) ** 12:
        raise DomainError("Ce montant est trop élevé pour un plan de financement.",
                          code="invalid_amount")
    return amount


def _check_year(plan, year):
    if not isinstance(year, int) or not plan.first_year <= year <= plan.last_year:
        raise DomainError(
            f"L'année {year} est hors du plan, qui couvre {plan.first_year} à "
            f"{plan.last_year}.", code="year_outside_plan")
    return year


def _check_source_open(source, year):
    if source.closes_on is not None and source.closes_on < datetime.date(year, 1, 1):
        raise DomainError(
            f"« {source.name} » est close depuis le {date_format(source.closes_on)} : elle ne "
            f"peut pas financer l'année {year}.", code="source_closed")
    if source.opens_on is not None and source.opens_on > datetime.date(year, 12, 31):
        raise DomainError(
            f"« {source.name} » n'ouvre que le {date_format(source.opens_on)} : elle ne peut "
            f"pas financer l'année {year}.", code="source_closed")


def _full_clean(instance):
    """Run the model's own checks; turn their errors into one domain error."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="invalid") from None


def _set(instance, fields, by):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance._history_user = by


PLAN_CONFLICT = gettext_lazy(
    "Quelqu'un a modifié ce plan de financement pendant que vous le modifiiez : relisez sa "
    "version actuelle, puis refaites vos changements.")


@transaction.atomic
def plan_save(*, plan, fields, by, version=None):
    """Create or update a funding plan of a cluster, optionally for one of its projects.

    A cluster has one plan of its own and one per project at most; the years may
    change only as long as every line and contribution stays inside them. A change
    made from an outdated `version` is refused (see territories.locking); its lines
    and contributions are rows of their own and do not move the plan's version on.
    """
    if plan.pk is not None:
        claim_version(instance=plan, version=version, message=PLAN_CONFLICT)
    _set(plan, fields, by)
    if not (plan.title or "").strip():
        raise DomainError("Donnez un intitulé au plan.", code="invalid")
    plan.title = plan.title.strip()
    first, last = plan.first_year, plan.last_year
    if not all(isinstance(year, int) and 2000 <= year <= 2100 for year in (first, last)):
        raise DomainError("Les années d'un plan vont de 2000 à 2100.", code="invalid_years")
    if last < first:
        raise DomainError("La dernière année du plan doit suivre ou égaler la première.",
                          code="invalid_years")
    if last - first + 1 > MAX_PLAN_YEARS:
        raise DomainError(f"Un plan couvre {MAX_PLAN_YEARS} ans au plus.", code="invalid_years")
    if plan.project is not None and plan.project.cluster_id != plan.cluster_id:
        raise DomainError("Le projet choisi n'est pas un projet de ce cluster.",
                          code="foreign_project")
    others = FundingPlan.objects.filter(cluster=plan.cluster_id).exclude(pk=plan.pk)
    if plan.project is None and others.filter(project__isnull=True).exists():
        raise DomainError("Ce cluster a déjà son plan de financement d'ensemble : complétez-le, "
                          "ou rattachez ce nouveau plan à un projet.", code="duplicate_plan",
                          status=409)
    if plan.project is not None and others.filter(project=plan.project).exists():
        raise DomainError("Ce projet a déjà un plan de financement.", code="duplicate_plan",
                          status=409)
    if plan.pk is not None:
        outside = sorted(
            {*plan.lines.exclude(year__range=(first, last)).values_list("year", flat=True),
             *plan.contributions.exclude(year__range=(first, last))
             .values_list("year", flat=True)})
        if outside:
            years = ", ".join(str(year) for year in outside)
            raise DomainError(
                f"Des dépenses ou des contributions sont prévues en {years}, hors des nouvelles "
                "années : déplacez-les ou supprimez-les d'abord.", code="rows_outside_years",
                status=409)
    _full_clean(plan)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Someone created the same plan at the same moment: the constraint decided.
        raise DomainError("Ce plan de financement existe déjà.", code="duplicate_plan",
                          status=409) from None
    return plan


@transaction.atomic
def plan_delete(*, plan, by):
    """Delete the plan with its budget lines and contributions."""
    plan._history_user = by
    plan.delete()


@transaction.atomic
def budget_line_save(*, line, fields, by):
    """Create or update an expense of the plan, for one of its years."""
    _set(line, fields, by)
    if not (line.label or "").strip():
        raise DomainError("Nommez le poste de dépense.", code="invalid")
    line.label = line.label.strip()
    line.amount = _check_amount(line.amount)
    _check_year(line.plan, line.year)
    _full_clean(line)
    line.save()
    return line


@transaction.atomic
def budget_line_delete(*, line, by):
    line._history_user = by
    line.delete()


@transaction.atomic
def contribution_save(*, contribution, fields, by):
    """Create or update money expected from one source of the catalogue for one year.

    The source must be open at some point of that year; the status moves freely, since
    a plan is a forecast the facilitators correct as answers come.
    """
    _set(contribution, fields, by)
    contribution.amount = _check_amount(contribution.amount)
    _check_year(contribution.plan, contribution.year)
    if contribution.status not in Contribution.Status.values:
        raise DomainError("État de contribution inconnu : envisagé, demandé, accordé ou versé.",
                          code="invalid_status")
    _check_source_open(contribution.source, contribution.year)
    contribution.note = (contribution.note or "").strip()
    _full_clean(contribution)
    contribution.save()
    return contribution


@transaction.atomic
def contribution_delete(*, contribution, by):
    contribution._history_user = by
    contribution.delete()


# Calls and dossiers ------------------------------------------------------------------------

DOSSIER_FIELDS = ("title", "summary", "strategic_plan", "requested_amount")


def _long_datetime(moment):
    moment = timezone.localtime(moment)
    return _("%(date)s à %(time)s") % {"date": formats.date_format(moment, "j F Y"),
                                       "time": formats.time_format(moment, "H:i")}


def _check_requested_amount(call, amount):
    """Refuse a negative request, or one above the call's maximum."""
    if amount is None:
        return
    if amount < 0:
        raise DomainError(_("Le montant demandé ne peut pas être négatif."),
                          code="negative_amount")
    if call.max_amount is not None and amount > call.max_amount:
        raise DomainError(
            _("Le montant demandé dépasse le maximum de l'appel : %(max)s € au plus.")
            % {"max": formats.number_format(call.max_amount, decimal_pos=0,
                                            force_grouping=True)},
            code="amount_above_max")


@transaction.atomic
def dossier_start(*, call, cluster, by, title=""):
    """Start the cluster's draft dossier for the call; one per call and cluster.

    A dossier is prepared before the call opens or while it is open, never once
    its deadline has passed.
    """
    if call.deadline <= timezone.now():
        raise DomainError(
            _("Cet appel est clos depuis le %(deadline)s : il ne reçoit plus de dossiers.")
            % {"deadline": _long_datetime(call.deadline)}, code="call_closed")
    if Dossier.objects.filter(call=call, cluster=cluster).exists():
        raise _duplicate_error()
    title = (title or "").strip() or f"{call.title} — {cluster.territory.name}"[:200]
    try:
        with transaction.atomic():
            return Dossier.objects.create(call=call, cluster=cluster, title=title,
                                          created_by=by)
    except IntegrityError:
        raise _duplicate_error() from None


def _duplicate_error():
    return DomainError(_("Ce cluster a déjà un dossier pour cet appel."), code="duplicate",
                       status=409)


def _conflict_error():
    return DomainError(
        _("Quelqu'un a modifié ce dossier pendant que vous le modifiiez. Rechargez la page "
          "pour voir sa version, puis refaites vos changements."),
        code="edit_conflict", status=409)


def dossier_save(*, dossier, fields, version):
    """Save the dossier's texts and amount as edited from `version`.

    Refused if someone saved it in between (the check and the write are one UPDATE …
    WHERE version = %s, so two people saving at once cannot both win), or once it
    is submitted.
    """
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise DomainError(_("Champ inconnu : %(names)s.") % {"names": ", ".join(sorted(unknown))},
                          code="unknown_field")
    if dossier.status not in EDITABLE_STATUSES:
        raise frozen_error(dossier)
    _check_requested_amount(dossier.call,
                            fields.get("requested_amount", dossier.requested_amount))
    read = dossier.version
    with transaction.atomic():
        try:
            claim_version(instance=dossier, version=version, message=_conflict_error().message,
                          where=Q(status__in=EDITABLE_STATUSES))
        except DomainError:
            current = Dossier.objects.filter(pk=dossier.pk).first()
            if current is not None and current.status not in EDITABLE_STATUSES:
                raise frozen_error(current) from None
            raise
        for name, value in fields.items():
            setattr(dossier, name, value)
        try:
            dossier.full_clean(exclude=["call", "cluster", "created_by"])
        except ValidationError:
            # Leave the instance as the database has it: the page shows the form again.
            dossier.version = read
            raise
        dossier.save(update_fields=[*fields, "version", "updated_at"])
    return dossier


def _checked(dossier, by, right):
    """Return the dossier as it is now, once its access object grants `right` to `by`.

    The rights hang on the dossier's current state, not on the one a caller read.
    """
    dossier = Dossier.objects.select_related(
        "call__funder", "cluster__collective", "cluster__territory").get(pk=dossier.pk)
    DossierAccess.of(by, dossier).require(right)
    return dossier


def _locked(dossier, action):
    """Lock the dossier's row and check that `action` may start from its current state."""
    dossier = Dossier.objects.select_for_update().select_related(
        "call__funder", "cluster__collective", "cluster__territory").get(pk=dossier.pk)
    sources, _target = DOSSIER_TRANSITIONS[action]
    if dossier.status not in sources:
        raise transition_error(dossier, action)
    return dossier


def _record(dossier, action, *, by, comment="", fields=()):
    """Move the locked dossier to the action's state, with its audit row and e-mail."""
    from_status = dossier.status
    dossier.status = DOSSIER_TRANSITIONS[action][1]
    dossier.save(update_fields=["status", "updated_at", *fields])
    event = DossierEvent.objects.create(dossier=dossier, from_status=from_status,
                                        to_status=dossier.status, by=by, comment=comment)
    _notify_members(dossier, event)
    return dossier


def dossier_transition(*, dossier, action, by, comment="", fields=None):
    """Apply one action of DOSSIER_TRANSITIONS, checking the current state.

    `fields` are set on the dossier with the status (e.g. the decision's own). Write
    the change and its DossierEvent in one transaction; e-mail the collective's
    members once it is committed. Return the dossier as saved.
    """
    with transaction.atomic():
        dossier = _locked(dossier, action)
        for name, value in (fields or {}).items():
            setattr(dossier, name, value)
        return _record(dossier, action, by=by, comment=comment, fields=tuple(fields or ()))


# The webhook event each way of submitting raises.
SUBMIT_EVENTS = {"submit": WebhookEndpoint.Event.DOSSIER_SUBMITTED,
                 "resubmit": WebhookEndpoint.Event.COMPLEMENT_ANSWERED}


def _submit(dossier, action, by, version):
    now = timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier, action)
        if version is not None and version != dossier.version:
            raise _conflict_error()
        call = dossier.call
        # The deadline is for the first submission; a complement answers the funder.
        if action == "submit" and now < call.opens_at:
            raise DomainError(
                _("Cet appel ouvre le %(date)s : le dossier pourra être déposé à partir de "
                  "cette date.") % {"date": _long_datetime(call.opens_at)},
                code="call_not_open")
        if action == "submit" and now > call.deadline:
            raise DomainError(
                _("La date limite de dépôt était le %(deadline)s : le dossier ne peut plus "
                  "être déposé pour cet appel.") % {"deadline": _long_datetime(call.deadline)},
                code="deadline_passed")
        # Frozen in the site's language, whoever submits; the refusal in theirs.
        with translation.override(settings.LANGUAGE_CODE):
            contents = dossier_contents(dossier, now=now, by=by)
        missing = [item for item in dossier_checklist(dossier, contents=contents)
                   if not item.ok]
        if missing:
            raise DomainError(
                _("Le dossier est incomplet. Il manque : %(items)s")
                % {"items": " ".join(f"{item.label} — {item.message}" for item in missing)},
                code="incomplete")
        dossier.snapshot = contents
        dossier.submitted_at = now
        dossier.version += 1
        # The previous rendering, if any, is of older contents: the task makes a new one.
        dossier.pdf = ""
        dossier = _record(dossier, action, by=by,
                          fields=("snapshot", "submitted_at", "version", "pdf"))
        enqueue("funding.tasks.generate_dossier_pdf_task", args=[dossier.pk])
        webhook_event_emit(dossier=dossier, event_type=SUBMIT_EVENTS[action])
    return dossier


def dossier_submit(*, dossier, by, version=None):
    """Submit a complete draft before the call's deadline, or submit again a dossier the
    funder asked to complete; freeze what it shows.

    For the collective's facilitators and staff. The snapshot keeps the collective,
    territory, défis with their progress, engaged companies, funding plan, texts and
    call as they are now; later edits to the cluster never change it. Its PDF is
    rendered once committed. `version` is the one the person read: a dossier changed
    since is refused (409); None checks nothing. Pages and the API call it alike.
    """
    dossier = _checked(dossier, by, Right.SUBMIT)
    action = "resubmit" if dossier.status == Dossier.Status.MORE_INFO else "submit"
    return _submit(dossier, action, by, version)


def dossier_resubmit(*, dossier, by, version=None):
    """Submit again a dossier the funder asked to complete, with a fresh snapshot and PDF."""
    current = Dossier.objects.get(pk=dossier.pk)
    if current.status != Dossier.Status.MORE_INFO:
        raise transition_error(current, "resubmit")
    return dossier_submit(dossier=dossier, by=by, version=version)


def dossier_start_review(*, dossier, by):
    """Take a submitted dossier into review: for the call's funder's reviewers and staff."""
    dossier = _checked(dossier, by, Right.START_REVIEW)
    return dossier_transition(dossier=dossier, action="start_review", by=by)


def dossier_request_more_info(*, dossier, by, comment):
    """Ask the collective to complete its dossier under review, saying what is missing.

    For the call's funder's reviewers (declared, without conflict) and staff; the
    pages and the funders' API call it alike.
    """
    dossier = _checked(dossier, by, Right.ASK_COMPLEMENT)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Dites au collectif ce qu'il doit compléter."),
                          code="comment_required")
    if "\x00" in comment:
        raise DomainError(_("Le message contient un caractère invalide."),
                          code="invalid_comment")
    return dossier_transition(dossier=dossier, action="request_more_info", by=by,
                              comment=comment)


def _notify_members(dossier, event):
    """E-mail the change to every member of the collective, in one message, once committed."""
    collective = dossier.cluster.collective
    recipients = sorted(collective.memberships.filter(user__is_active=True)
                        .values_list("user__email", flat=True))
    if not recipients:
        return
    link = settings.SITE_URL.rstrip("/") + dossier.get_absolute_url()
    with translation.override(settings.LANGUAGE_CODE):
        context = {"dossier": dossier, "event": event, "call": dossier.call,
                   "collective": collective, "territory": dossier.cluster.territory,
                   "by": event.by, "status": dossier.get_status_display(), "link": link}
        prefix = "funding/emails/dossier_event"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        body = render_to_string(f"{prefix}.txt", context)
        html_body = render_to_string(f"{prefix}.html", context)
    enqueue("cluster.tasks.send_email_task", kwargs={
        "subject": subject, "body": body, "to": recipients, "html_body": html_body})


# Reviews, conflicts of interest, decisions -------------------------------------------------

def conflict_declare(*, dossier, reviewer, has_conflict, explanation=""):
    """Record, once, whether the reviewer has a conflict of interest with the dossier.

    A declared conflict hides the dossier from the reviewer for good; it cannot be
    withdrawn, so say why.
    """
    dossier = _checked(dossier, reviewer, Right.DECLARE)
    if not isinstance(has_conflict, bool):
        raise DomainError(str(CHOICE_REQUIRED), code="choice_required")
    explanation = (explanation or "").strip()
    if has_conflict and not explanation:
        raise DomainError(_("Précisez la nature du conflit d'intérêts."),
                          code="explanation_required")
    try:
        with transaction.atomic():
            return ConflictDeclaration.objects.create(
                dossier=dossier, reviewer=reviewer, has_conflict=has_conflict,
                explanation=explanation)
    except IntegrityError:
        raise DomainError(_("Vous avez déjà fait votre déclaration pour ce dossier."),
                          code="already_declared", status=409) from None


def weighted_score(criteria, scores):
    """Return 100 × Σ(weight × score / max) / Σ weight, to two decimal places."""
    total_weight = sum(criterion.weight for criterion in criteria)
    if not total_weight:
        return Decimal("0.00")
    points = sum(Decimal(criterion.weight) * Decimal(scores[criterion.pk])
                 / Decimal(criterion.max_score) for criterion in criteria)
    return (Decimal(100) * points / Decimal(total_weight)).quantize(Decimal("0.01"))


def _as_int(value):
    """Return the value as a whole number, or None: 3 and "3" are, 3.5, "trois" and True not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _clean_scores(criteria, scores):
    """Return {criterion id: int} with every criterion of the grid scored once, in range."""
    if not isinstance(scores, dict):
        raise DomainError(_("Notez chaque critère de la grille."), code="invalid_scores")
    by_pk = {criterion.pk: criterion for criterion in criteria}
    cleaned = {}
    for key, value in scores.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in by_pk:
            raise DomainError(_("Le critère %(key)s n'est pas dans la grille de cet appel.")
                              % {"key": key}, code="invalid_scores")
        criterion = by_pk[pk]
        value = _as_int(value)
        if value is None or not 0 <= value <= criterion.max_score:
            raise DomainError(_("« %(label)s » se note par un nombre entier de 0 à %(max)s.")
                              % {"label": criterion.label, "max": criterion.max_score},
                              code="invalid_scores")
        if pk in cleaned:
            raise DomainError(_("« %(label)s » est noté deux fois.") % {"label": criterion.label},
                              code="invalid_scores")
        cleaned[pk] = value
    missing = [criterion.label for criterion in criteria if criterion.pk not in cleaned]
    if missing:
        raise DomainError(_("Notez chaque critère de la grille ; il manque : %(labels)s.")
                          % {"labels": ", ".join(missing)}, code="invalid_scores")
    return cleaned


def review_submit(*, dossier, reviewer, scores, comment, recommendation):
    """Record the reviewer's scores on the call's grid, comment and recommendation, once.

    Only while the dossier is under review, by a reviewer of the call's funder who
    declared no conflict. `weighted_score` is out of 100, each criterion counting by
    its weight.
    """
    dossier = _checked(dossier, reviewer, Right.WRITE_REVIEW)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Motivez votre avis en quelques phrases."), code="comment_required")
    if recommendation not in Review.Recommendation.values:
        raise DomainError(_("Recommandez d'accepter, de refuser ou de demander un complément."),
                          code="invalid_recommendation")
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("call").get(pk=dossier.pk)
        if dossier.status != Dossier.Status.UNDER_REVIEW:
            raise DomainError(_("Ce dossier est %(status)s : il ne reçoit pas d'avis.")
                              % {"status": dossier.get_status_display()},
                              code="not_under_review", status=409)
        if Review.objects.filter(dossier=dossier, reviewer=reviewer).exists():
            raise DomainError(_("Vous avez déjà rendu votre avis sur ce dossier."),
                              code="already_reviewed", status=409)
        criteria = list(dossier.call.criteria.order_by("position", "pk"))
        cleaned = _clean_scores(criteria, scores)
        review = Review.objects.create(
            dossier=dossier, reviewer=reviewer, comment=comment, recommendation=recommendation,
            weighted_score=weighted_score(criteria, cleaned))
        Score.objects.bulk_create([Score(review=review, criterion_id=pk, value=value)
                                   for pk, value in cleaned.items()])
    return review


def _clean_granted_amount(dossier, outcome, amount):
    if amount in (None, ""):
        return None
    if outcome != Decision.Outcome.ACCEPTED:
        raise DomainError(_("Un refus n'accorde pas de montant."), code="invalid_amount")
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Saisissez un montant en euros, par exemple 12 500,50."),
                          code="invalid_amount") from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(_("Le montant accordé ne peut pas être négatif."),
                          code="invalid_amount")
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal(10) ** 12:
        raise DomainError(_("Saisissez un montant en euros, avec deux chiffres après la "
                            "virgule au plus."), code="invalid_amount")
    if dossier.call.max_amount is not None and amount > dossier.call.max_amount:
        raise DomainError(
            _("Le montant accordé dépasse le maximum de l'appel : %(max)s € au plus.")
            % {"max": formats.number_format(dossier.call.max_amount, decimal_pos=0,
                                            force_grouping=True)},
            code="amount_above_max")
    return amount


def decision_record(*, dossier, by, outcome, comment, granted_amount=None):
    """Close the dossier under review with the funder's one decision.

    For the call's funder's reviewers (without conflict) and staff. The dossier goes to
    accepté or refusé through DOSSIER_TRANSITIONS, with its audit row and the e-mail to
    the collective; an acceptance gets its attestation rendered once committed.
    """
    dossier = _checked(dossier, by, Right.DECIDE)
    if outcome not in Decision.Outcome.values:
        raise DomainError(_("Choisissez d'accepter ou de refuser le dossier."),
                          code="invalid_outcome")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Motivez la décision : le collectif la lira."),
                          code="comment_required")
    granted_amount = _clean_granted_amount(dossier, outcome, granted_amount)
    action = "accept" if outcome == Decision.Outcome.ACCEPTED else "refuse"
    with transaction.atomic():
        if Decision.objects.filter(dossier=dossier).exists():
            raise already_decided_error()
        dossier = _locked(dossier, action)
        if Decision.objects.filter(dossier=dossier).exists():
            raise already_decided_error()
        decision = Decision.objects.create(dossier=dossier, outcome=outcome, comment=comment,
                                           granted_amount=granted_amount, decided_by=by)
        _record(dossier, action, by=by, comment=comment)
        label_from_decision(decision)  # an accepted label dossier labels its territory
        if outcome == Decision.Outcome.ACCEPTED:
            enqueue("funding.tasks.generate_attestation_task", args=[decision.pk])
        webhook_event_emit(dossier=dossier, event_type=WebhookEndpoint.Event.DECISION_RECORDED)
    return decision


