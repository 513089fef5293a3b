"""Funding plans of a cluster: the plan itself, its budget lines and its contributions."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster.errors import DomainError
from funding.models import Contribution, FundingPlan
from territories.locking import claim_version

MAX_PLAN_YEARS = 10


def _check_amount(amount):
    """Refuse an amount that is not a positive number of euros with at most two decimals."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Saisissez un montant en euros, par exemple 12 500,50."),
                          code="invalid_amount") from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError(_("Le montant doit être supérieur à zéro."), code="invalid_amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Un montant s'arrête aux centimes : deux chiffres après la "
                            "virgule au plus."), code="invalid_amount")
    if amount >= Decimal(10) ** 12:
        raise DomainError(_("Ce montant est trop élevé pour un plan de financement."),
                          code="invalid_amount")
    return amount


def _check_year(plan, year):
    if not isinstance(year, int) or not plan.first_year <= year <= plan.last_year:
        raise DomainError(
            _("L'année %(year)s est hors du plan, qui couvre %(first)s à %(last)s.")
            % {"year": year, "first": plan.first_year, "last": plan.last_year},
            code="year_outside_plan")
    return year


def _check_source_open(source, year):
    if source.closes_on is not None and source.closes_on < datetime.date(year, 1, 1):
        raise DomainError(
            _("« %(source)s » est close depuis le %(date)s : elle ne peut pas financer "
              "l'année %(year)s.")
            % {"source": source.name, "date": date_format(source.closes_on), "year": year},
            code="source_closed")
    if source.opens_on is not None and source.opens_on > datetime.date(year, 12, 31):
        raise DomainError(
            _("« %(source)s » n'ouvre que le %(date)s : elle ne peut pas financer l'année "
              "%(year)s.")
            % {"source": source.name, "date": date_format(source.opens_on), "year": year},
            code="source_closed")


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
def funding_plan_save(*, plan, fields, by, version=None):
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
        raise DomainError(_("Donnez un intitulé au plan."), code="invalid")
    plan.title = plan.title.strip()
    first, last = plan.first_year, plan.last_year
    if not all(isinstance(year, int) and 2000 <= year <= 2100 for year in (first, last)):
        raise DomainError(_("Les années d'un plan vont de 2000 à 2100."),
                          code="invalid_years")
    if last < first:
        raise DomainError(_("La dernière année du plan doit suivre ou égaler la première."),
                          code="invalid_years")
    if last - first + 1 > MAX_PLAN_YEARS:
        raise DomainError(_("Un plan couvre %(max)s ans au plus.") % {"max": MAX_PLAN_YEARS},
                          code="invalid_years")
    if plan.project is not None and plan.project.cluster_id != plan.cluster_id:
        raise DomainError(_("Le projet choisi n'est pas un projet de ce cluster."),
                          code="foreign_project")
    others = FundingPlan.objects.filter(cluster=plan.cluster_id).exclude(pk=plan.pk)
    if plan.project is None and others.filter(project__isnull=True).exists():
        raise DomainError(_("Ce cluster a déjà son plan de financement d'ensemble : "
                            "complétez-le, ou rattachez ce nouveau plan à un projet."),
                          code="duplicate_plan", status=409)
    if plan.project is not None and others.filter(project=plan.project).exists():
        raise DomainError(_("Ce projet a déjà un plan de financement."),
                          code="duplicate_plan", status=409)
    if plan.pk is not None:
        outside = sorted(
            {*plan.lines.exclude(year__range=(first, last)).values_list("year", flat=True),
             *plan.contributions.exclude(year__range=(first, last))
             .values_list("year", flat=True)})
        if outside:
            years = ", ".join(str(year) for year in outside)
            raise DomainError(
                _("Des dépenses ou des contributions sont prévues en %(years)s, hors des "
                  "nouvelles années : déplacez-les ou supprimez-les d'abord.")
                % {"years": years}, code="rows_outside_years", status=409)
    _full_clean(plan)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Someone created the same plan at the same moment: the constraint decided.
        raise DomainError(_("Ce plan de financement existe déjà."), code="duplicate_plan",
                          status=409) from None
    return plan


@transaction.atomic
def funding_plan_delete(*, plan, by):
    """Delete the plan with its budget lines and contributions."""
    plan._history_user = by
    plan.delete()


@transaction.atomic
def budget_line_save(*, line, fields, by):
    """Create or update an expense of the plan, for one of its years."""
    _set(line, fields, by)
    if not (line.label or "").strip():
        raise DomainError(_("Nommez le poste de dépense."), code="invalid")
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
        raise DomainError(_("État de contribution inconnu : envisagé, demandé, accordé ou "
                            "versé."), code="invalid_status")
    _check_source_open(contribution.source, contribution.year)
    contribution.note = (contribution.note or "").strip()
    _full_clean(contribution)
    contribution.save()
    return contribution


@transaction.atomic
def contribution_delete(*, contribution, by):
    contribution._history_user = by
    contribution.delete()

