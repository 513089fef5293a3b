"""Fixtures' helpers for the funder's side: a dossier submitted to a call with a grid."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from funding.models import Call, Dossier
from funding.snapshot import dossier_contents
from tests.funding.factories import CallFactory, CriterionFactory, DossierFactory


def call_with_grid(funder, *, kind="financement", title=None, max_amount=Decimal(50000)):
    """A call of the funder with three criteria: weights 2, 1, 1, out of 5, 5 and 10."""
    call = CallFactory(funder=funder, kind=kind, max_amount=max_amount,
                       **({"title": title} if title else {}))
    CriterionFactory(call=call, label="Coopération des acteurs", weight=2, max_score=5)
    CriterionFactory(call=call, label="Défis mesurables", weight=1, max_score=5)
    CriterionFactory(call=call, label="Plan de financement", weight=1, max_score=10)
    return call


def submitted_dossier(call, cluster, *, status=Dossier.Status.SUBMITTED, title=None,
                      when=None):
    """A dossier as dossier_submit leaves it, without going through the checklist."""
    dossier = DossierFactory(call=call, cluster=cluster, requested_amount=Decimal(20000),
                             **({"title": title} if title else {}))
    dossier.snapshot = dossier_contents(dossier, now=timezone.now())
    dossier.status = status
    dossier.submitted_at = when or timezone.now()
    dossier.save()
    return dossier


def full_scores(call, values=(4, 3, 7)):
    return {criterion.pk: value for criterion, value in
            zip(call.criteria.order_by("position", "pk"), values, strict=True)}


def new_cluster(collective, name):
    """A cluster of the collective on a new territory."""
    from datetime import date

    from cluster.services import cluster_create
    from tests.territories.factories import TerritoryFactory

    territory = TerritoryFactory(name=name)
    return cluster_create(collective=collective, territory=territory, start_date=date(2026, 1, 1))


def call_data(funder, **changes):
    """The fields of call_save for a funding call opening tomorrow, with `changes`."""
    now = timezone.now()
    return {"title": "Fonds d'amorçage 2027", "funder": funder, "kind": Call.Kind.FUNDING,
            "wave": None, "opens_at": now + timedelta(days=1),
            "deadline": now + timedelta(days=60), "max_amount": 30000,
            "description": "Pour les prototypes.", **changes}
