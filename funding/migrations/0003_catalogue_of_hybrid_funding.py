"""Fill the catalogue of hybrid funding with every source the seed documents name.

Sources: "cluster local d'innovation responsable" (the financing of the local dynamic
and the national schemes) and the "Territoire French Impact" press kit of February 2019
(its funds and the programmes it works with). Where a source is a kind of funder
rather than one body (the cities, the CAF…), its funder is generic: "Villes",
"Caisses d'allocations familiales"… and a territory adds its own funders next to them.

Amounts are the seeds' figures when they give some; otherwise an order of magnitude,
said to be indicative in the description. Dates are set only when known: a source
without `closes_on` is open until staff say otherwise.

Idempotent (update_or_create on slug), so it also brings older installations and
the demo's funders (same slugs as funding/demo.py) up to date. Nothing is removed
when migrating backwards: plans may point to these sources.
"""

import datetime

from django.db import migrations

INDICATIVE = "Montants habituels indicatifs (ordre de grandeur, à vérifier auprès du financeur)."

# slug, name, kind, website. The first four are also funding/demo.py's FUNDERS: same values.
FUNDERS = [
    ("le-french-impact", "Le French Impact", "network", "https://www.le-frenchimpact.fr"),
    ("banque-des-territoires", "Banque des Territoires", "public_bank",
     "https://www.banquedesterritoires.fr"),
    ("bpifrance", "Bpifrance", "public_bank", "https://www.bpifrance.fr"),
    ("villes", "Villes", "city", ""),
    ("intercommunalites", "Intercommunalités (métropoles, agglomérations, communautés)",
     "epci", ""),
    ("departements", "Départements", "department", ""),
    ("regions", "Régions", "region", ""),
    ("caf", "Caisses d'allocations familiales", "caf", "https://www.caf.fr"),
    ("federation-centres-sociaux", "Fédération des centres sociaux et socioculturels de France",
     "network", "https://www.centres-sociaux.fr"),
    ("ptce", "Pôles territoriaux de coopération économique (PTCE)", "network", ""),
    ("anct", "Agence nationale de la cohésion des territoires (ANCT, ex-CGET)", "state",
     "https://agence-cohesion-territoires.gouv.fr"),
    ("etat", "État (ministères et préfectures)", "state", ""),
    ("caisse-des-depots", "Caisse des Dépôts", "public_bank", "https://www.caissedesdepots.fr"),
    ("union-europeenne", "Union européenne", "europe", ""),
    ("fondations", "Fondations (territoriales, d'entreprise, reconnues d'utilité publique)",
     "foundation", ""),
    ("entreprises-mecenes", "Entreprises mécènes", "company", ""),
    ("fondation-face", "Fondation Agir contre l'exclusion (FACE)", "foundation",
     "https://www.fondationface.org"),
]

# The scope says at which level the money is decided: "local" is the commune, the
# intercommunality and the département (the collectivités locales); "régional" the Région.
SOURCES = [
    # Financing the local dynamic (cluster local d'innovation responsable) -------------------
    {
        "slug": "subventions-villes",
        "name": "Subventions de la ville",
        "funder": "villes", "kind": "subvention", "scope": "local",
        "typical_min": 2_000, "typical_max": 30_000,
        "description": (
            "Subventions de fonctionnement ou de projet votées par le conseil municipal : "
            "animation du cluster, soutien aux associations porteuses, mise à disposition de "
            "locaux. Souvent le premier financeur de la dynamique locale. " + INDICATIVE),
    },
    {
        "slug": "subventions-intercommunalites",
        "name": "Subventions de l'intercommunalité",
        "funder": "intercommunalites", "kind": "subvention", "scope": "local",
        "typical_min": 5_000, "typical_max": 50_000,
        "description": (
            "Soutien des métropoles, communautés d'agglomération et communautés de communes, "
            "au titre du développement économique, de l'ESS ou de la politique de la ville. "
            "Les agglomérations ont parfois leur propre plan de développement de l'ESS. "
            + INDICATIVE),
    },
    {
        "slug": "plans-ess-regions",
        "name": "Plans de développement de l'ESS et de l'innovation sociale des Régions",
        "funder": "regions", "kind": "subvention", "scope": "regional",
        "typical_min": 10_000, "typical_max": 80_000,
        "description": (
            "Plans d'aide au développement de l'économie sociale et solidaire et de "
            "l'innovation sociale des conseils régionaux : appels à projets, aides à "
            "l'émergence et à l'ingénierie, soutien aux têtes de réseau (CRESS, incubateurs). "
            + INDICATIVE),
    },
    {
        "slug": "plans-ess-departements",
        "name": "Plans ESS et innovation sociale des Départements",
        "funder": "departements", "kind": "subvention", "scope": "local",
        "typical_min": 5_000, "typical_max": 40_000,
        "description": (
            "Aides des conseils départementaux à l'ESS et à l'innovation sociale, souvent "
            "liées à leurs compétences : insertion, autonomie des personnes âgées, enfance, "
            "solidarités territoriales. " + INDICATIVE),
    },
    {
        "slug": "ptce",
        "name": "Pôles territoriaux de coopération économique (PTCE)",
        "funder": "ptce", "kind": "subvention", "scope": "local",
        "description": (
            "Un PTCE regroupe entreprises de l'ESS, entreprises classiques, collectivités et "
            "recherche autour d'un projet de territoire : mutualisation de moyens, "
            "cofinancement, portage d'emplois partagés. L'État soutient l'émergence de PTCE "
            "par des appels à manifestation d'intérêt successifs. Partenaire incontournable "
            "du cluster selon la méthode."),
    },
    {
        "slug": "caf-animation-vie-sociale",
        "name": "CAF — animation de la vie sociale",
        "funder": "caf", "kind": "subvention", "scope": "local",
        "themes": ["education-jeunesse", "sante", "inclusion-emploi", "bien-vieillir"],
        "typical_min": 5_000, "typical_max": 70_000,
        "description": (
            "Financement de l'animation par la caisse d'allocations familiales du "
            "département : prestations d'animation globale et d'animation collective "
            "familles des centres sociaux, espaces de vie sociale, projets de territoire "
            "(conventions territoriales globales). " + INDICATIVE),
    },
    {
        "slug": "federation-centres-sociaux",
        "name": "Fédération des centres sociaux",
        "funder": "federation-centres-sociaux", "kind": "subvention", "scope": "local",
        "themes": ["education-jeunesse", "sante", "bien-vieillir", "culture",
                   "inclusion-emploi"],
        "description": (
            "Appui du réseau des centres sociaux et de ses fédérations départementales : "
            "portage ou accueil de projets, ingénierie, accès aux partenariats nationaux. Le "
            "Plan Pauvreté veut s'appuyer sur les centres sociaux pour renouveler les méthodes "
            "d'action."),
    },
    {
        "slug": "contrats-de-ville",
        "name": "Contrats de ville (politique de la ville)",
        "funder": "anct", "kind": "appel_a_projets", "scope": "local",
        "themes": ["inclusion-emploi", "education-jeunesse", "logement", "sante", "culture"],
        "typical_min": 3_000, "typical_max": 40_000,
        "description": (
            "Crédits de l'État pour la politique de la ville, attribués avec les collectivités "
            "signataires par l'appel à projets annuel de chaque contrat de ville, pour des "
            "actions au bénéfice des habitants des quartiers prioritaires, dont des espaces "
            "pour l'entrepreneuriat des jeunes. " + INDICATIVE),
    },
    {
        "slug": "action-coeur-de-ville",
        "name": "Action Cœur de Ville",
        "funder": "anct", "kind": "subvention", "scope": "national",
        "themes": ["logement", "mobilite-douce", "culture", "transition-energetique"],
        "description": (
            "Programme national pour la relance des centres des villes moyennes, réservé aux "
            "villes retenues : l'État et ses partenaires (Banque des Territoires, Action "
            "Logement, Anah) cofinancent habitat, commerce, mobilité, patrimoine et services "
            "en centre-ville."),
    },
    {
        "slug": "fondations-locales",
        "name": "Fondations locales",
        "funder": "fondations", "kind": "mecenat", "scope": "local",
        "typical_min": 2_000, "typical_max": 30_000,
        "description": (
            "Fondations territoriales, fondations abritées et fondations d'entreprises "
            "implantées sur le territoire : appels à projets thématiques ou soutien au fil de "
            "l'eau. " + INDICATIVE),
    },
    {
        "slug": "mecenat-entreprise",
        "name": "Mécénat d'entreprise",
        "funder": "entreprises-mecenes", "kind": "mecenat", "scope": "local",
        "typical_min": 1_000, "typical_max": 50_000,
        "description": (
            "Dons en numéraire, en nature ou en compétences des entreprises engagées du "
            "territoire (TPE, PME, ETI, grands groupes) au titre de leur responsabilité "
            "sociale ; le don ouvre droit à une réduction d'impôt pour l'entreprise. "
            + INDICATIVE),
    },
    {
        "slug": "face-mecenat",
        "name": "Clubs d'entreprises FACE — mécénat et partenariats",
        "funder": "fondation-face", "kind": "mecenat", "scope": "local",
        "themes": ["inclusion-emploi", "education-jeunesse"],
        "description": (
            "La Fondation Agir contre l'exclusion et ses clubs locaux mobilisent des "
            "entreprises contre l'exclusion : mécénat de compétences, parrainage, "
            "cofinancement d'actions. Acteur de référence du futur réseau national des "
            "territoires d'innovation responsable."),
    },
    {
        "slug": "leader-feader",
        "name": "Programme LEADER (FEADER, Union européenne)",
        "funder": "union-europeenne", "kind": "subvention", "scope": "europeen",
        "themes": ["alimentation-durable", "transition-energetique", "mobilite-douce",
                   "culture", "economie-circulaire"],
        "typical_min": 5_000, "typical_max": 100_000,
        "description": (
            "Fonds européen agricole pour le développement rural, attribué par les groupes "
            "d'action locale (GAL) des territoires ruraux à des projets de développement "
            "local. Demande un cofinancement public national et se verse après la dépense : "
            "prévoir la trésorerie. " + INDICATIVE),
    },
    # National dynamics (cluster method and French Impact press kit) -------------------------
    {
        "slug": "label-territoire-french-impact",
        "name": "Label « Territoire French Impact »",
        "funder": "le-french-impact", "kind": "label", "scope": "national",
        "opens_on": datetime.date(2018, 7, 1),
        "description": (
            "Appel aux territoires lancé en juillet 2018 sous la forme d'un appel à "
            "manifestation d'intérêt ouvert sur trois ans. Critères : une dynamique "
            "territoriale multi-acteurs d'accompagnement et de financement de l'innovation "
            "sociale ; trois défis sociaux et environnementaux aux objectifs clairs ; un plan "
            "stratégique pluriannuel co-construit ; un ou plusieurs territoires de coopération "
            "prioritaires ; la mobilisation d'entreprises engagées. Le label apporte "
            "animation, ingénierie, le réseau des Hackers French Impact et l'accès aux "
            "financeurs partenaires ; il ne verse pas d'argent par lui-même."),
    },
    {
        "slug": "french-impact-ingenierie",
        "name": "Soutien à l'ingénierie des collectifs Territoire French Impact",
        "funder": "le-french-impact", "kind": "subvention", "scope": "national",
        "typical_min": 10_000, "typical_max": 50_000,
        "description": (
            "Soutien financier à l'ingénierie des projets portés par les collectifs "
            "territoriaux labellisés, dans le plan d'action et d'accompagnement sur mesure "
            "du label. " + INDICATIVE),
    },
    {
        "slug": "french-impact-fonds-amorcage",
        "name": "Fonds d'amorçage partenaires du French Impact",
        "funder": "le-french-impact", "kind": "pret_investissement", "scope": "national",
        "description": (
            "Plusieurs fonds d'amorçage lancés en partenariat avec Le French Impact en 2019, "
            "avec l'objectif de réunir une centaine de millions d'euros pour les projets en "
            "émergence ; les entreprises soutenues bénéficient d'un accompagnement par des "
            "incubateurs et accélérateurs de tout le territoire."),
    },
    {
        "slug": "french-impact-mesure-impact",
        "name": "Fonds de promotion de l'évaluation et de la mesure d'impact",
        "funder": "le-french-impact", "kind": "subvention", "scope": "national",
        "description": (
            "Appui du French Impact à l'évaluation d'impact des défis identifiés par chaque "
            "territoire labellisé."),
    },
    {
        "slug": "fabriques-de-territoire",
        "name": "Fabriques de territoire (Mission nationale Tiers-Lieux)",
        "funder": "anct", "kind": "appel_a_projets", "scope": "national",
        "themes": ["numerique-inclusif", "economie-circulaire", "culture",
                   "education-jeunesse", "inclusion-emploi"],
        "typical_min": 75_000, "typical_max": 150_000,
        "description": (
            "Appel à manifestation d'intérêt de la Mission nationale Tiers-Lieux pour 300 "
            "Fabriques de territoire : consolider la capacité d'animation du territoire par un "
            "tiers-lieu ressource, ou faire émerger une dynamique d'innovation dans les "
            "« zones blanches ». Soutien au fonctionnement sur trois ans, de l'ordre de "
            "quelques dizaines de milliers d'euros par an. " + INDICATIVE),
    },
    {
        "slug": "fiso",
        "name": "Fonds d'innovation sociale (FISO)",
        "funder": "bpifrance", "kind": "pret_investissement", "scope": "national",
        "opens_on": datetime.date(2019, 1, 1),
        "typical_min": 30_000, "typical_max": 200_000,
        "description": (
            "Le FISO #2, lancé avec Bpifrance en 2019, a une capacité de financement de "
            "21 millions d'euros pour l'amorçage d'environ 200 entreprises innovantes sur "
            "trois ans, soit une centaine de milliers d'euros en moyenne. " + INDICATIVE),
    },
    {
        "slug": "novess",
        "name": "Fonds NOVESS",
        "funder": "caisse-des-depots", "kind": "pret_investissement", "scope": "national",
        "typical_min": 200_000, "typical_max": 3_000_000,
        "description": (
            "Fonds d'investissement pour le changement d'échelle des entreprises de "
            "l'économie sociale et solidaire, dans la convention de 150 millions d'euros "
            "entre la Caisse des Dépôts et Le French Impact. " + INDICATIVE),
    },
    {
        "slug": "banque-des-territoires",
        "name": "Banque des Territoires — ingénierie et investissement territorial",
        "funder": "banque-des-territoires", "kind": "pret_investissement", "scope": "national",
        "themes": ["transition-energetique", "logement", "mobilite-douce",
                   "numerique-inclusif", "economie-circulaire"],
        "typical_min": 20_000, "typical_max": 500_000,
        "description": (
            "Cofinancement d'études et d'ingénierie, prêts et prises de participation pour les "
            "projets de territoire et les entreprises de l'ESS, dans la convention de la "
            "Caisse des Dépôts avec Le French Impact. " + INDICATIVE),
    },
    {
        "slug": "mission-amorcage-haut-commissariat",
        "name": "Mission d'amorçage du Haut-Commissariat à l'ESS et à l'innovation sociale",
        "funder": "etat", "kind": "subvention", "scope": "national",
        "description": (
            "Mission d'amorçage menée à la demande du territoire pour lancer la dynamique "
            "d'un cluster dans les territoires éloignés des écosystèmes d'innovation sociale : "
            "un appui en ingénierie plutôt qu'une subvention."),
    },
    {
        "slug": "france-experimentation-french-impact",
        "name": "Appel à projets France Expérimentation — French Impact",
        "funder": "etat", "kind": "appel_a_projets", "scope": "national",
        "opens_on": datetime.date(2019, 2, 25), "closes_on": datetime.date(2019, 6, 30),
        "description": (
            "Guichet pour demander l'adaptation d'une norme ou d'une procédure qui bloque un "
            "projet ; instruction accélérée pour les porteurs des territoires French Impact et "
            "accompagnement sur mesure par les services de l'État. Aucun versement : un appui "
            "réglementaire."),
    },
    {
        "slug": "territoires-innovation-grande-ambition",
        "name": "Territoires d'innovation de grande ambition (TIGA, PIA3)",
        "funder": "etat", "kind": "appel_a_projets", "scope": "national",
        "closes_on": datetime.date(2019, 12, 31),
        "typical_min": 1_000_000, "typical_max": 50_000_000,
        "description": (
            "Appel à projets du troisième Programme d'investissements d'avenir pour des "
            "territoires porteurs de transformations de grande ampleur ; lauréats désignés en "
            "2019 (clôture indiquée : fin 2019, indicative). " + INDICATIVE),
    },
    {
        "slug": "contrats-transition-ecologique",
        "name": "Contrats de transition écologique (CTE)",
        "funder": "etat", "kind": "appel_a_projets", "scope": "national",
        "themes": ["transition-energetique", "economie-circulaire", "alimentation-durable",
                   "mobilite-douce"],
        "description": (
            "Contrats entre l'État et des intercommunalités engagées dans la transition "
            "écologique, qui rassemblent les financements publics et privés de leurs projets. "
            "Relayés depuis par les contrats pour la réussite de la transition écologique "
            "(CRTE)."),
    },
    {
        "slug": "france-mobilites",
        "name": "France Mobilités — appels à projets pour des mobilités innovantes",
        "funder": "etat", "kind": "appel_a_projets", "scope": "national",
        "themes": ["mobilite-douce"],
        "description": (
            "Appels à projets et à manifestation d'intérêt pour expérimenter de nouvelles "
            "solutions de mobilité, notamment dans les territoires peu denses."),
    },
    {
        "slug": "plan-investissement-competences",
        "name": "Plan d'investissement dans les compétences (PIC)",
        "funder": "etat", "kind": "appel_a_projets", "scope": "national",
        "themes": ["inclusion-emploi", "education-jeunesse"],
        "description": (
            "Appels à projets de l'État pour former et accompagner vers l'emploi les "
            "personnes qui en sont le plus éloignées : jeunes sans qualification, demandeurs "
            "d'emploi de longue durée."),
    },
]


def fill_catalogue(apps, schema_editor):
    Funder = apps.get_model("funding", "Funder")
    FundingSource = apps.get_model("funding", "FundingSource")
    Theme = apps.get_model("territories", "Theme")
    funders = {}
    for slug, name, kind, website in FUNDERS:
        funders[slug], _created = Funder.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "website": website})
    for entry in SOURCES:
        entry = dict(entry)
        themes = entry.pop("themes", [])
        source, _created = FundingSource.objects.update_or_create(
            slug=entry.pop("slug"),
            defaults={
                "opens_on": None, "closes_on": None, "typical_min": None, "typical_max": None,
                **entry, "funder": funders[entry["funder"]],
            },
        )
        source.themes.set(Theme.objects.filter(slug__in=themes))


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_catalogue_plans_calls_dossiers"),
        ("territories", "0003_seed_themes"),
    ]

    operations = [migrations.RunPython(fill_catalogue, migrations.RunPython.noop)]
