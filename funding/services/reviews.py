"""The funder's side of a dossier: conflicts of interest, reviews and the decision."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from funding.labels import label_from_decision
from funding.models import ConflictDeclaration, Decision, Dossier, Review, Score
from funding.permissions import CHOICE_REQUIRED, Right, already_decided_error
from funding.services.dossiers import _checked, _locked, _record  # a dossier's own checks
from funding.webhook_models import WebhookEndpoint
from funding.webhook_services import webhook_event_emit
from territories.outbox import enqueue


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
                          code="explanation_required", field="explanation")
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
        raise DomainError(_("Un refus n'accorde pas de montant."), code="invalid_amount",
                          field="granted_amount")
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Saisissez un montant en euros, par exemple 12 500,50."),
                          code="invalid_amount", field="granted_amount") from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(_("Le montant accordé ne peut pas être négatif."),
                          code="invalid_amount", field="granted_amount")
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal(10) ** 12:
        raise DomainError(_("Saisissez un montant en euros, avec deux chiffres après la "
                            "virgule au plus."), code="invalid_amount", field="granted_amount")
    if dossier.call.max_amount is not None and amount > dossier.call.max_amount:
        raise DomainError(
            _("Le montant accordé dépasse le maximum de l'appel : %(max)s € au plus.")
            % {"max": formats.number_format(dossier.call.max_amount, decimal_pos=0,
                                            force_grouping=True)},
            code="amount_above_max", field="granted_amount")
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


