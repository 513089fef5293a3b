"""The method's seven steps: their share of the cluster's duration and suggested milestones.

Weights add up to 12: over 12 months each weight is about a month; over 9 the
whole plan is compressed in proportion.
"""

import calendar
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from cluster.models import RoadmapStep

STEP_PLAN = [
    (RoadmapStep.Kind.MAP, 2,
     _("Cartographier les acteurs, projets, lieux, ressources et politiques locales."),
     [_("Premiers acteurs recensés"), _("Carte du territoire partagée")]),
    (RoadmapStep.Kind.COMMUNITY, 2,
     _("Constituer ou consolider la communauté de projet et l'animer."),
     [_("Première rencontre de la communauté"), _("Comité de pilotage installé")]),
    (RoadmapStep.Kind.SPACES, 1.5,
     _("Trouver les espaces : consolider un tiers-lieu, s'y appuyer ou en créer un."),
     [_("Tiers-lieu d'accueil choisi")]),
    (RoadmapStep.Kind.EXPERIMENT, 3,
     _("Décider localement des prototypes à expérimenter."),
     [_("Prototypes choisis"), _("Premiers retours d'expérimentation")]),
    (RoadmapStep.Kind.EVENT, 1,
     _("Communiquer et valoriser avec un évènement."),
     [_("Évènement public organisé")]),
    (RoadmapStep.Kind.SCALE, 1.5,
     _("De l'émergence à l'impact : organiser le changement d'échelle et l'essaimage."),
     [_("Projets à essaimer identifiés")]),
    (RoadmapStep.Kind.MASTER_PLAN, 1,
     _("Définir les conditions de pérennité : le schéma directeur de l'innovation responsable."),
     [_("Schéma directeur adopté")]),
]


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def roadmap_schedule(start_date, duration_months):
    """Return (number, kind, summary, start, end, milestone titles) for the seven steps."""
    end_date = add_months(start_date, duration_months) - timedelta(days=1)
    total_days = (end_date - start_date).days + 1
    total_weight = sum(weight for _kind, weight, _summary, _milestones in STEP_PLAN)
    steps, elapsed = [], 0.0
    for number, (kind, weight, summary, milestones) in enumerate(STEP_PLAN, start=1):
        first = start_date + timedelta(days=round(elapsed / total_weight * total_days))
        elapsed += weight
        last = start_date + timedelta(days=round(elapsed / total_weight * total_days) - 1)
        steps.append((number, kind, summary, first, last, milestones))
    return steps
