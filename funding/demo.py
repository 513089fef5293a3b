"""Demo data of the funding app: the label body and a few funders of the hybrid catalogue,
the local funders of the Aix-Marseille-Provence cluster and its funding plan, and the
annual follow-ups of two labelled territories (one draft, one submitted)."""

from decimal import Decimal

from funding.followup import follow_up_call, follow_up_start, follow_up_status
from funding.models import (
    BudgetLine,
    Contribution,
    Dossier,
    Funder,
    FunderMember,
    FundingPlan,
    FundingSource,
)
from funding.services import (
    budget_line_save,
    contribution_save,
    dossier_save,
    dossier_submit,
    funding_plan_save,
)

# Also created by migration 0003 (the catalogue), with the same values.
FUNDERS = [
    ("le-french-impact", "Le French Impact", Funder.Kind.NETWORK, "https://www.le-frenchimpact.fr"),
    ("banque-des-territoires", "Banque des Territoires", Funder.Kind.PUBLIC_BANK,
     "https://www.banquedesterritoires.fr"),
    ("bpifrance", "Bpifrance", Funder.Kind.PUBLIC_BANK, "https://www.bpifrance.fr"),
    ("region-bretagne", "Région Bretagne", Funder.Kind.REGION, "https://www.bretagne.bzh"),
]


def load_funders():
    """Create or update the demo funders; return them by slug."""
    funders = {}
    for slug, name, kind, website in FUNDERS:
        funder, _ = Funder.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "website": website}
        )
        funders[slug] = funder
    return funders


def ensure_reviewer(*, user, funder, role=FunderMember.Role.REVIEWER):
    """Make the person a member of the funder with the role (a reviewer by default)."""
    FunderMember.objects.update_or_create(user=user, funder=funder, defaults={"role": role})


# Catalogue and funding plans -------------------------------------------------------------

# The catalogue itself comes with migration 0003; the demo adds the local funders of the
# Aix-Marseille-Provence cluster, as a territory would, and gives that cluster its plan.
LOCAL_FUNDERS = [
    ("metropole-aix-marseille-provence", "Métropole Aix-Marseille-Provence", Funder.Kind.EPCI,
     "https://ampmetropole.fr"),
    ("region-sud", "Région Provence-Alpes-Côte d'Azur (Région Sud)", Funder.Kind.REGION,
     "https://www.maregionsud.fr"),
]
LOCAL_SOURCES = [
    ("metropole-aix-marseille-provence-ess", "Soutien de la Métropole Aix-Marseille-Provence à "
     "l'ESS", "metropole-aix-marseille-provence", FundingSource.Scope.LOCAL,
     "Subventions de la Métropole aux dynamiques d'économie sociale et solidaire et "
     "d'innovation sociale de son territoire (source ajoutée pour la démonstration)."),
    ("region-sud-plan-ess", "Région Sud — plan ESS et innovation sociale", "region-sud",
     FundingSource.Scope.REGIONAL,
     "Aides de la Région Provence-Alpes-Côte d'Azur à l'économie sociale et solidaire et à "
     "l'innovation sociale (source ajoutée pour la démonstration)."),
]

# Expenses per year of the plan: label, [amount of year 1, 2, 3] (None: no expense that year).
DEMO_LINES = [
    ("Coordination et animation du cluster (1 ETP)", [52_000, 53_500, 55_000]),
    ("Ingénierie et prototypes des défis", [30_000, 40_000, 35_000]),
    ("Tiers-lieu : loyer et aménagement", [24_000, 18_000, 18_000]),
    ("Évènement de valorisation", [12_000, None, 8_000]),
    ("Mesure d'impact des trois défis", [6_000, 6_000, 10_000]),
]
V, A, D, E = (Contribution.Status.PAID, Contribution.Status.GRANTED,
              Contribution.Status.REQUESTED, Contribution.Status.ENVISAGED)
# Contributions: source slug, note, [(amount, status) of year 1, 2, 3].
DEMO_CONTRIBUTIONS = [
    ("metropole-aix-marseille-provence-ess", "", [(35_000, V), (35_000, A), (35_000, E)]),
    ("region-sud-plan-ess", "", [(25_000, V), (25_000, D), (25_000, E)]),
    ("caf-animation-vie-sociale", "CAF des Bouches-du-Rhône",
     [(10_000, A), (10_000, D), (10_000, E)]),
    ("french-impact-ingenierie", "", [(20_000, A), (15_000, D), None]),
    ("fondations-locales", "Fondation territoriale marseillaise", [(8_000, V), (8_000, E), None]),
    ("mecenat-entreprise", "Entreprises engagées du collectif",
     [(5_000, V), (7_500, E), (10_000, E)]),
    ("banque-des-territoires", "Cofinancement de l'ingénierie du tiers-lieu",
     [(15_000, A), (10_000, E), None]),
    ("contrats-de-ville", "Contrat de ville de Marseille : quartiers Nord", [(6_000, V), None,
                                                                           None]),
    ("fabriques-de-territoire", "Candidature du tiers-lieu", [None, None, (25_000, E)]),
]


def load_local_sources():
    """Create or update the demo's local funders and sources; return the sources by slug."""
    funders = {}
    for slug, name, kind, website in LOCAL_FUNDERS:
        funders[slug], _created = Funder.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "website": website})
    sources = {}
    for slug, name, funder, scope, description in LOCAL_SOURCES:
        sources[slug], _created = FundingSource.objects.update_or_create(
            slug=slug, defaults={"name": name, "funder": funders[funder], "scope": scope,
                                 "kind": FundingSource.Kind.GRANT,
                                 "description": description})
    return sources


def load_plan(cluster, *, by):
    """Give the cluster a three-year plan with a hybrid mix, once: a plan already there is
    left as its collective changed it."""
    load_local_sources()
    plan = FundingPlan.objects.filter(cluster=cluster, project__isnull=True).first()
    if plan is not None:
        return plan
    first = cluster.start_date.year
    plan = funding_plan_save(plan=FundingPlan(cluster=cluster), by=by, fields={
        "title": f"Plan de financement du cluster {first}-{first + 2}",
        "first_year": first, "last_year": first + 2})
    for label, amounts in DEMO_LINES:
        for offset, amount in enumerate(amounts):
            if amount is not None:
                budget_line_save(line=BudgetLine(plan=plan), by=by, fields={
                    "label": label, "year": first + offset, "amount": Decimal(amount)})
    sources = FundingSource.objects.in_bulk([slug for slug, *_rest in DEMO_CONTRIBUTIONS],
                                            field_name="slug")
    for slug, note, years in DEMO_CONTRIBUTIONS:
        for offset, entry in enumerate(years):
            if entry is not None:
                amount, status = entry
                contribution_save(contribution=Contribution(plan=plan), by=by, fields={
                    "source": sources[slug], "year": first + offset,
                    "amount": Decimal(amount), "status": status, "note": note})
    return plan


# Calls and dossiers ------------------------------------------------------------------------

# Every territory of the demo is labelled (waves 1 and 2): their dossiers are annual
# follow-ups of the label, not label applications, which a labelled territory cannot win.
# Aix-Marseille-Provence's follow-up is a draft its facilitator completes; another
# territory's is submitted, for the reviewer of Le French Impact.
SUBMITTED_FOLLOW_UP_TERRITORIES = ["grand-lyon", "lyon-metropole", "nantes", "lille"]

DEMO_FOLLOW_UP_REVIEW = (
    "Bilan de l'année (données de démonstration, à remplacer par celui du collectif) : le "
    "comité de pilotage s'est réuni chaque trimestre, chaque défi a été mesuré et ses "
    "projets ont avancé d'une étape. Ce qui a bloqué, ce qui vient l'an prochain et les "
    "financements à réunir sont détaillés ci-dessous, d'après les données du cluster."
)


def _follow_up(cluster, *, by, today=None):
    """Start the cluster's follow-up of this year, once; return it, or None without one.

    A territory that does not hold the label, or a database without the follow-up call,
    gets none. A follow-up already started for the year, whatever its state, is kept.
    """
    status = follow_up_status(cluster, today)
    if status is None or follow_up_call() is None:
        return None
    return status["dossier"] or follow_up_start(cluster=cluster, by=by, today=today)


def load_follow_up_dossier(cluster, *, by):
    """Give the cluster a draft annual follow-up of its label, prefilled from the cluster."""
    return _follow_up(cluster, by=by)


def load_submitted_follow_up(clusters, *, by):
    """Submit the annual follow-up of another labelled territory, once; return it.

    So that the reviewer of Le French Impact finds a dossier to review in the demo. A
    follow-up already submitted (or further along) is left as it is.
    """
    slug = next((slug for slug in SUBMITTED_FOLLOW_UP_TERRITORIES if slug in clusters),
                next((slug for slug in clusters if slug != "aix-marseille-provence"), None))
    dossier = _follow_up(clusters[slug], by=by) if slug else None
    if dossier is None or dossier.status != Dossier.Status.DRAFT:
        return dossier
    if not dossier.summary:
        dossier = dossier_save(dossier=dossier, fields={"summary": DEMO_FOLLOW_UP_REVIEW},
                               version=dossier.version)
    return dossier_submit(dossier=dossier, by=by)
