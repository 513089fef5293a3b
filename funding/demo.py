"""Demo data of the funding app: the label body and a few funders of the hybrid catalogue,
the local funders of the Aix-Marseille-Provence cluster and its funding plan."""

from decimal import Decimal

from django.utils import timezone

from funding.models import (
    BudgetLine,
    Call,
    Contribution,
    Dossier,
    Funder,
    FunderMember,
    FundingPlan,
    FundingSource,
)
from funding.services import budget_line_save, contribution_save, funding_plan_save

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


def ensure_reviewer(*, user, funder):
    FunderMember.objects.get_or_create(user=user, funder=funder)


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

LABEL_CALL_SLUG = "territoire-french-impact"

DEMO_LABEL_DOSSIER = {
    "title": "Territoire French Impact — Aix-Marseille-Provence",
    "summary": (
        "Deuxième agglomération de France, la métropole Aix-Marseille-Provence fait face à des "
        "défis sociaux et environnementaux forts : plus de 200 000 ménages sous le seuil de "
        "pauvreté, 29 % des 15-24 ans sans emploi, 93 % de l'énergie importée. Le collectif "
        "porteur réunit Marseille Solutions, le Mouves PACA et la CRESS PACA, avec le soutien "
        "de la Métropole, pour structurer l'innovation sociale autour de trois défis : "
        "cultiver Marseille, zéro personne à la rue, changer d'air."
    ),
    "strategic_plan": (
        "Année 1 — Cartographier et fédérer : recenser les acteurs, lieux et ressources de "
        "l'innovation sociale sur toute la métropole, réunir la communauté de "
        "projets autour des trois défis et installer un comité de pilotage trimestriel.\n\n"
        "Année 2 — Expérimenter : lancer un appel à prototypes par défi (jardins urbains et "
        "formation à l'agriculture urbaine, accueil de nuit et parcours vers le logement, "
        "réseau de contributeurs citoyens), accompagner les porteurs avec les incubateurs du "
        "territoire et mesurer chaque trimestre les indicateurs des défis.\n\n"
        "Année 3 — Changer d'échelle : essaimer les prototypes qui ont fait leurs preuves vers "
        "les quartiers prioritaires et les territoires de coopération, consolider un fonds "
        "territorial hybride (Métropole, Région, mécénat des entreprises engagées) et rédiger "
        "le schéma directeur de l'innovation responsable."
    ),
}


def load_label_dossier(cluster, *, by):
    """Give the cluster a draft dossier for the French Impact label call; return it.

    The call comes from the migration funding.0004_label_call; without it (a database
    emptied by hand) nothing is created and None is returned. A dossier already there,
    whatever its state, is left as it is.
    """
    call = Call.objects.filter(slug=LABEL_CALL_SLUG).first()
    if call is None:
        return None
    dossier, _created = Dossier.objects.get_or_create(
        call=call, cluster=cluster, defaults={**DEMO_LABEL_DOSSIER, "created_by": by})
    return dossier


# Reviews, conflicts of interest, decisions -------------------------------------------------

# The second labelled territory whose dossier waits for the reviewer: the first of these
# the demo has (the press kit's order), Aix-Marseille-Provence's being the collective's own.
SUBMITTED_LABEL_TERRITORIES = ["grand-lyon", "lyon-metropole", "nantes", "lille"]

SUBMITTED_STRATEGIC_PLAN = (
    "Année 1 — Réunir : installer un comité de pilotage où siègent la collectivité, les "
    "structures de l'économie sociale et solidaire et les entreprises engagées, cartographier "
    "les ressources du territoire et choisir trois défis mesurables.\n\n"
    "Année 2 — Expérimenter : lancer un prototype par défi avec les incubateurs et les "
    "habitants, mesurer chaque trimestre et partager les résultats avec le territoire de "
    "coopération prioritaire.\n\n"
    "Année 3 — Essaimer : étendre ce qui marche, bâtir un fonds territorial hybride "
    "(collectivités, mécénat, finance solidaire) et écrire le schéma directeur."
)


def _complete_for_label(cluster, *, cooperation):
    """Give the cluster what the label asks for, adding only what it lacks."""
    from datetime import date

    from cluster.models import Challenge, CollectiveActor, Engagement, Objective
    from territories.models import Actor

    territory, collective = cluster.territory, cluster.collective
    families = ["collectivite", "ess", "entreprise"]
    links = collective.actor_links.count()
    for number, family in enumerate(families[links:], start=links):
        actor, _created = Actor.objects.get_or_create(
            territory=territory, name=f"Acteur du collectif n°{number + 1}",
            defaults={"kind": "association"})
        CollectiveActor.objects.get_or_create(collective=collective, actor=actor,
                                              defaults={"family": family})
    if len({link.family for link in collective.actor_links.all()}) < 2:
        actor, _created = Actor.objects.get_or_create(
            territory=territory, name="Entreprise engagée du collectif",
            defaults={"kind": "pme"})
        CollectiveActor.objects.get_or_create(collective=collective, actor=actor,
                                              defaults={"family": "entreprise"})
    for number in range(cluster.challenges.count(), 3):
        Challenge.objects.create(cluster=cluster, title=f"Défi du territoire n°{number + 1}",
                                 kind="social", position=number)
    for challenge in cluster.challenges.filter(objectives__isnull=True):
        Objective.objects.create(challenge=challenge, title=f"Mesurer : {challenge.title}"[:200],
                                 unit="personnes", baseline=0, target=100,
                                 target_date=date(cluster.start_date.year + 3, 1, 1))
    if cooperation is not None and not territory.cooperation_territories.exists():
        territory.cooperation_territories.add(cooperation)
    if not cluster.engagements.exists():
        company, _created = Actor.objects.get_or_create(
            territory=territory, name="Entreprise engagée du collectif",
            defaults={"kind": "pme"})
        Engagement.objects.create(cluster=cluster, company=company, size="pme",
                                  kind="partenariat")


def load_submitted_label_dossier(clusters, *, by):
    """Submit a complete label dossier for another labelled territory, once; return it.

    So that the reviewer of Le French Impact finds a dossier to review in the demo. A
    dossier already submitted (or further along) is left as it is.
    """
    from funding.services import dossier_submit

    call = Call.objects.filter(slug=LABEL_CALL_SLUG).first()
    slug = next((slug for slug in SUBMITTED_LABEL_TERRITORIES if slug in clusters),
                next((slug for slug in clusters if slug != "aix-marseille-provence"), None))
    if call is None or slug is None or not call.opens_at <= timezone.now() < call.deadline:
        return None
    cluster = clusters[slug]
    dossier = Dossier.objects.filter(call=call, cluster=cluster).first()
    if dossier is not None and dossier.status != Dossier.Status.DRAFT:
        return dossier
    _complete_for_label(cluster, cooperation=clusters["aix-marseille-provence"].territory
                        if "aix-marseille-provence" in clusters else None)
    if dossier is None:
        dossier = Dossier.objects.create(
            call=call, cluster=cluster, created_by=by,
            title=f"{call.title} — {cluster.territory.name}"[:200],
            summary=(f"{cluster.collective.name} fédère les acteurs de "
                     f"{cluster.territory.name} autour de trois défis mesurables."),
            strategic_plan=SUBMITTED_STRATEGIC_PLAN)
    return dossier_submit(dossier=dossier, by=by)
