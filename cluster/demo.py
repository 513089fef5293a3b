"""Demo data of the cluster app: the collectifs porteurs of the 20 territories labelled in 2019."""

import json
from datetime import date, timedelta
from pathlib import Path

from django.utils.text import slugify

from cluster.latest_measurements import refresh_latest_measurements
from cluster.models import (
    Challenge,
    Cluster,
    Collective,
    CollectiveActor,
    Engagement,
    MasterPlanSection,
    MasterPlanVersion,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringMeeting,
    Stewardship,
    User,
)
from cluster.roadmap import add_months
from cluster.services import (
    cluster_create,
    engagement_save,
    master_plan_generate,
    master_plan_publish,
    master_plan_render,
    master_plan_section_save,
    master_plan_section_validate,
    steering_meeting_save,
)
from territories.models import Actor, Commune, LocalPolicy, Place, Resource, Territory

FRENCH_IMPACT_2019 = Path(__file__).resolve().parent / "data" / "french_impact_2019.json"
# The seven territories of the second wave (seed localtis-27-territoires.txt): the source
# names them and nothing else, so their collectives and défis are demo placeholders "à
# compléter", said as such. Two are no EPCI; the data file's perimeter notes say the choice:
# "Occitanie Est" is taken as the five départements of the former Languedoc-Roussillon,
# "Genevois InnoVales" as the eight EPCI of the Pôle métropolitain du Genevois français.
FRENCH_IMPACT_WAVE_2 = Path(__file__).resolve().parent / "data" / "french_impact_wave2.json"

# The label's waves, by the dates of the sources: the press kit of 25 February 2019 for
# the first; Localtis says "fin 2019" for the second, with no day: 31 December, the latest
# it can date from, stands for it (the pages show the month, the API the day).
LABEL_WAVES = {1: date(2019, 2, 25), 2: date(2019, 12, 31)}


def labelled_territories():
    """Return the 20 territories of the February 2019 press kit, as written in the data file."""
    with FRENCH_IMPACT_2019.open(encoding="utf-8") as data:
        return json.load(data)


def second_wave_territories():
    """Return the 7 territories labelled at the end of 2019, as written in the data file."""
    with FRENCH_IMPACT_WAVE_2.open(encoding="utf-8") as data:
        return json.load(data)


def load_collectives(territories):
    """Create or update one collective per labelled territory; return them by slug."""
    collectives = {}
    for territory in territories:
        actors = ", ".join(actor["name"] for actor in territory["collective"]["actors"])
        description = territory["collective"]["text"]
        if actors:
            description = f"{description}\n\nActeurs : {actors}"
        collective, _ = Collective.objects.update_or_create(
            slug=territory["slug"],
            defaults={
                "name": territory["collective"].get("name")
                or f"Collectif porteur {territory['name']}",
                "description": description,
            },
        )
        collectives[territory["slug"]] = collective
    return collectives


def ensure_user(*, email, password, first_name, last_name, is_staff=False):
    """Create the demo account once; never reset a password someone may have changed."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            is_staff=is_staff,
            is_superuser=is_staff,
        )
    return user


def ensure_membership(*, user, collective, role):
    Membership.objects.update_or_create(user=user, collective=collective, defaults={"role": role})


def load_clusters(labelled, collectives, territories, *, start_date, today):
    """Give each collective its cluster, its défis from the press kit, and a live roadmap:
    steps before today done with their milestones, the one of today in progress."""
    clusters = {}
    for item in labelled:
        slug = item["slug"]
        # Each collective stewards its territory: its facilitators change the territory.
        Stewardship.objects.get_or_create(territory=territories[slug],
                                          defaults={"collective": collectives[slug]})
        cluster = Cluster.objects.filter(collective=collectives[slug],
                                         territory=territories[slug]).first()
        if cluster is None:
            cluster = cluster_create(collective=collectives[slug], territory=territories[slug],
                                     start_date=start_date, duration_months=12)
            for step in cluster.steps.all():
                if step.end_date < today:
                    step.status = RoadmapStep.Status.DONE
                    step.milestones.update(done_on=step.end_date)
                elif step.start_date <= today:
                    step.status = RoadmapStep.Status.DOING
                step.save(update_fields=["status"])
            # The step in progress has one milestone already overdue: visible as late,
            # while the steps marked done have all their milestones reached.
            current = cluster.steps.filter(status=RoadmapStep.Status.DOING).first()
            if current is not None:
                Milestone.objects.create(
                    step=current, title="Compte rendu de l'atelier partagé avec le comité",
                    due_date=max(current.start_date, today - timedelta(days=10)),
                    position=current.milestones.count())
        for position, challenge in enumerate(item["challenges"]):
            Challenge.objects.update_or_create(
                cluster=cluster, title=challenge["title"][:200],
                defaults={"kind": challenge["kind"], "theme_id": challenge["theme"],
                          "summary": challenge["summary"], "position": position},
            )
        clusters[slug] = cluster
    return clusters


def load_objectives(labelled, clusters, *, today, by):
    """Give each défi one objective with quarterly measurements up to today.

    The défis are those of the press kit; their objectives and figures are
    invented for the demo (`demo_objective` in the data file) and their
    measurements say so in their source.
    """
    for item in labelled:
        cluster = clusters[item["slug"]]
        titles = {challenge["title"][:200]: challenge["demo_objective"]
                  for challenge in item["challenges"]}
        for challenge in cluster.challenges.filter(objectives__isnull=True):
            spec = titles.get(challenge.title)
            if spec is None:
                continue
            objective = Objective.objects.create(
                challenge=challenge, title=spec["title"], unit=spec["unit"],
                baseline=spec["baseline"], target=spec["target"], direction=spec["direction"],
                target_date=add_months(cluster.start_date, 36))
            Measurement.objects.bulk_create(
                Measurement(objective=objective, measured_on=measured_on, value=value,
                            source="Données de démonstration", created_by=by)
                for measured_on, value in (
                    (add_months(cluster.start_date, 3 * index), value)
                    for index, value in enumerate(spec["values"]))
                if measured_on <= today
            )
            refresh_latest_measurements([objective.pk])  # bulk_create sends no signal


# Collectives ----

def load_collective_actor_links(labelled, collectives, territories):
    """Make the actors of each press-kit collective its member actors, with their family.

    The actors are those territories.demo.load_collective_actors created on the
    territory; running it again changes nothing. Return the number of links.
    """
    count = 0
    for item in labelled:
        collective, territory = collectives[item["slug"]], territories[item["slug"]]
        actors = {actor.name: actor for actor in Actor.objects.filter(territory=territory)}
        for member in item["collective"]["actors"]:
            actor = actors.get(member["name"])
            if actor is None:
                continue
            family = member["family"]
            if family not in CollectiveActor.Family.values:
                family = CollectiveActor.Family.OTHER
            CollectiveActor.objects.update_or_create(collective=collective, actor=actor,
                                                     defaults={"family": family})
            count += 1
    return count


# Engaged companies and the comité de pilotage -----------------------------------------------

# Invented companies and commitments, plausible for the Aix-Marseille-Provence cluster:
# (name, actor kind, INSEE code of its commune, engagement kind, value in €, months after the
# cluster's start, description).
DEMO_ENGAGEMENTS = [
    ("Les Paniers de l'Huveaune", Actor.Kind.PME, "13005", Engagement.Kind.PURCHASING, 18000,
     1, "Achète chaque saison la production des jardins urbains du défi « Cultiver Marseille » "
        "pour ses paniers en circuits courts, et forme deux maraîchers en insertion."),
    ("Groupe Phocéen d'Ingénierie et de Services", Actor.Kind.LARGE_COMPANY, "13055",
     Engagement.Kind.SKILLS_PATRONAGE, 24000, 2,
     "Mécénat de compétences : douze ingénieur·es volontaires, quarante jours par an, pour "
     "concevoir les jardins partagés et les locaux de l'accueil de nuit."),
    ("Atelier Numérique des Calanques", Actor.Kind.TPE, "13055", Engagement.Kind.MENTORING,
     None, 3, "Accompagne bénévolement le réseau de contributeurs citoyens du défi « changer "
              "d'air » dans le partage de ses données."),
]

DEMO_MEETING = {
    "title": "Comité de pilotage — bilan de la cartographie et choix des défis",
    "participants": "Métropole Aix-Marseille-Provence\nCRESS PACA\nMouves PACA\n"
                    "Marseille Solutions\nLes Paniers de l'Huveaune",
    "minutes": "La cartographie des acteurs est présentée : les structures de l'ESS, les "
               "collectivités et trois entreprises engagées y figurent. Le comité valide les "
               "défis et leurs indicateurs, et prépare l'appel à prototypes.\n\n"
               "Compte rendu de démonstration.",
    "decisions": [
        "Retenir les trois défis « Cultiver Marseille », « 0 personne à la rue » et « changer "
        "d'air », chacun mesuré chaque trimestre.",
        "Confier à Marseille Solutions l'animation de la communauté de projets jusqu'au "
        "prochain comité.",
        "Lancer un appel à prototypes sur l'agriculture urbaine avant la fin du trimestre.",
    ],
}


def load_commitments(cluster, *, today, by):
    """Give the cluster invented engaged companies and one past comité de pilotage.

    The companies are created as actors of the cluster's territory when missing;
    nothing is duplicated when the demo is loaded again.
    """
    communes = set(Commune.objects.filter(
        code__in=[item[2] for item in DEMO_ENGAGEMENTS]).values_list("code", flat=True))
    for name, kind, commune, engagement_kind, value, months, description in DEMO_ENGAGEMENTS:
        company, _ = Actor.objects.update_or_create(
            territory=cluster.territory, name=name,
            defaults={"kind": kind, "is_published": True,
                      "commune_id": commune if commune in communes else None,
                      "description": "Entreprise fictive (données de démonstration)."})
        if cluster.engagements.filter(company=company, kind=engagement_kind).exists():
            continue
        start = add_months(cluster.start_date, months)
        engagement_save(engagement=Engagement(cluster=cluster), by=by, fields={
            "company": company, "kind": engagement_kind,
            "value": value, "description": description,
            "start_date": start if start <= today else None,
        })
    if not cluster.steering_meetings.filter(title=DEMO_MEETING["title"]).exists():
        held_on = min(add_months(cluster.start_date, 3), today)
        steering_meeting_save(
            meeting=SteeringMeeting(cluster=cluster), by=by, today=today,
            data={"held_on": held_on, "title": DEMO_MEETING["title"],
                  "participants": DEMO_MEETING["participants"],
                  "minutes": DEMO_MEETING["minutes"]},
            decisions=[{"id": None, "text": text} for text in DEMO_MEETING["decisions"]])


# Schéma directeur ----------------------------------------------------------------------------

# Places of the Aix-Marseille-Provence territory: (name, kind, status, INSEE code, description).
DEMO_PLACES = [
    ("Friche la Belle de Mai", Place.Kind.WASTELAND, Place.Status.OPEN, "13203",
     "Ancienne manufacture des tabacs devenue lieu de création et de coopération : ateliers, "
     "salles de réunion et toits-terrasses où se tiennent les rencontres de la communauté."),
    ("Micro-ferme de la Cité de l'agriculture", Place.Kind.FARM, Place.Status.EMERGING, "13214",
     "Friche maraîchère du 14e arrondissement : production, formation à l'agriculture urbaine "
     "et accueil des écoles du quartier."),
    ("Maison du cluster — Quartiers Nord", Place.Kind.THIRD_PLACE, Place.Status.PLANNED, "13215",
     "Tiers-lieu ressource à ouvrir avec le centre social : permanence du cluster, fabrique "
     "des projets citoyens et point d'accueil de l'hébergement d'urgence."),
]
# (name, kind, description): what the territory can count on, published on its map.
DEMO_RESOURCES = [
    ("Accompagnement des porteurs de projets ESS", Resource.Kind.ENGINEERING,
     "Permanences d'accompagnement à la création d'activités d'utilité sociale, ouvertes aux "
     "porteurs de projets des quartiers."),
    ("Atelier de réparation partagé", Resource.Kind.EQUIPMENT,
     "Outillage et machines prêtés aux associations et aux habitants, sur réservation."),
]
# (name, level, description): the public policies the dynamic leans on.
DEMO_POLICIES = [
    ("Contrat de ville", LocalPolicy.Level.EPCI,
     "Le contrat de ville de la métropole et ses quartiers prioritaires : emploi, cadre de "
     "vie, cohésion sociale."),
    ("Stratégie régionale de l'économie sociale et solidaire", LocalPolicy.Level.REGION,
     "Le plan de la région pour l'ESS : soutien à la création, aux tiers-lieux et aux "
     "pôles territoriaux de coopération économique."),
]
DEMO_COOPERATION = ("Quartiers Nord de Marseille", ["13213", "13214", "13215", "13216"],
                    "Les 13e à 16e arrondissements de Marseille, quartiers prioritaires où le "
                    "cluster veut faire émerger une dynamique d'innovation sans écosystème mûr.")

DEMO_MASTER_PLAN = {
    "vision": """\
Marseille et sa métropole concentrent à la fois une vitalité associative rare et des fractures \
sociales profondes : plus de 200 000 ménages vivent sous le seuil de pauvreté, et l'accès à \
l'alimentation, au logement et à un air sain y reste inégal.

D'ici trois ans, le cluster veut faire de l'innovation responsable **la manière ordinaire de \
répondre aux besoins du territoire** :

- cultiver la ville pour nourrir et former ;
- ne laisser personne à la rue, en coordonnant l'hébergement d'urgence ;
- changer d'air en mettant en commun compétences, lieux et données.

Cette ambition s'adresse d'abord aux habitant·es des quartiers Nord, premiers concernés et \
premiers acteurs des solutions.""",
    "gouvernance": """\
Le **comité de pilotage** se réunit chaque trimestre. Il associe la Métropole, la CRESS PACA, \
le Mouves, Marseille Solutions, les entreprises engagées et deux représentant·es de la \
communauté de projets, renouvelé·es chaque année.

Il valide les défis et leurs indicateurs, choisit les prototypes à expérimenter et adopte ce \
schéma directeur. Un **bureau** de quatre personnes prépare ses décisions.

Partenaires incontournables : villes et intercommunalité, CAF et centres sociaux, Agir contre \
l'exclusion, PTCE, CRESS et acteurs de la politique de la ville. Le cluster s'inscrit dans le \
**réseau national des territoires d'innovation responsable** : il partage ses méthodes et \
accueille chaque année un territoire en découverte.""",
    "defis": """\
Les trois défis ont été retenus par le comité de pilotage à l'issue de la cartographie. Chacun \
est mesuré chaque trimestre et revu chaque année.

1. **Cultiver Marseille** : passer de 12 à 40 hectares cultivés en ville d'ici trois ans, en \
formant chaque saison des maraîcher·es en insertion.
2. **0 personne à la rue** : diviser par trois le nombre de personnes sans solution \
d'hébergement le soir, grâce à une plateforme partagée par les maraudes et les accueils de jour.
3. **Changer d'air** : réunir 1 000 contributeurs citoyens actifs qui mutualisent compétences, \
espaces et données.""",
    "portefeuille": """\
Le portefeuille suit la démarche *de l'idée à l'impact*. La micro-ferme de la Cité de \
l'agriculture est en expérimentation ; la plateforme de l'hébergement d'urgence est un \
prototype ; le réseau des contributeurs citoyens est encore une idée.

Pour passer à l'échelle, le collectif privilégie :

- **l'essaimage** des projets qui ont fait leurs preuves vers les autres villes de la \
métropole ;
- **l'investissement sociétal** des entreprises engagées, en compétences autant qu'en \
financement ;
- des solutions frugales et des circuits courts.""",
    "lieux": """\
La Friche la Belle de Mai accueille les rencontres de la communauté depuis le lancement du \
cluster. Le collectif veut **consolider un tiers-lieu ressource** dans les quartiers Nord, avec \
le centre social : la « Maison du cluster » y tiendra une permanence et hébergera la fabrique \
des projets citoyens. Une candidature aux Fabriques de territoire est prévue pour la troisième \
année.""",
    "financement": """\
Le financement est **hybride par construction** : la Métropole et la Région portent la \
coordination, la CAF soutient l'animation, les fondations et les entreprises engagées \
financent les prototypes, et le French Impact l'ingénierie.

Objectif : qu'aucun financeur ne dépasse un tiers du budget à partir de la deuxième année, \
et que les financements acquis couvrent au moins 80 % du budget de l'année suivante avant \
chaque comité de pilotage de décembre.""",
    "feuille_de_route": """\
Après les douze mois de la démarche, le cluster entre dans une phase de **consolidation de \
trois ans** : un comité de pilotage par trimestre, un évènement public par an, et une revue \
complète de ce schéma directeur chaque printemps.""",
    "evaluation": """\
Chaque objectif a un indicateur, une valeur de départ, une cible et une échéance. Les \
mesures sont saisies chaque trimestre par les porteurs de projet sur la plateforme, avec \
leur source ; l'avancement est calculé, jamais déclaré.

Le comité de pilotage examine les indicateurs à chaque séance. Une **évaluation externe** à \
mi-parcours, confiée à un laboratoire de recherche partenaire, mesurera aussi les effets \
non prévus : liens créés entre acteurs, emplois, engagement des habitant·es.""",
    "cooperation": """\
Les **quartiers Nord de Marseille** sont le territoire de coopération prioritaire : la \
dynamique y est forte mais l'écosystème d'accompagnement reste peu présent. Le cluster y \
ouvrira la Maison du cluster, y tiendra une rencontre de la communauté sur deux, et y \
essaimera en priorité les projets qui ont fait leurs preuves.""",
}


def load_places_and_cooperation(cluster):
    """Give the demo territory its places, resources, local policies and a priority
    cooperation territory, once."""
    territory = cluster.territory
    communes = set(Commune.objects.filter(
        code__in=[item[3] for item in DEMO_PLACES] + DEMO_COOPERATION[1])
        .values_list("code", flat=True))
    for name, kind, status, commune, description in DEMO_PLACES:
        Place.objects.get_or_create(territory=territory, name=name, defaults={
            "kind": kind, "status": status, "is_published": True, "description": description,
            "commune_id": commune if commune in communes else None})
    for name, kind, description in DEMO_RESOURCES:
        Resource.objects.get_or_create(territory=territory, name=name, defaults={
            "kind": kind, "description": description, "is_published": True})
    for name, level, description in DEMO_POLICIES:
        LocalPolicy.objects.get_or_create(territory=territory, name=name, defaults={
            "level": level, "description": description, "is_published": True})
    name, codes, summary = DEMO_COOPERATION
    other = Territory.objects.filter(name=name).first()
    if other is None:
        # Arrondissements are not offered as a perimeter in the form (communes_in leaves
        # them out); the demo sets them directly.
        other = Territory.objects.create(
            name=name, slug=slugify(name), kind=Territory.Kind.PRIORITY_DISTRICT,
            summary=summary, is_published=True, perimeter_codes=codes)
        other.communes.set([code for code in codes if code in communes])
    territory.cooperation_territories.add(other)
    # The priority cooperation territory joins the dynamic of the collective that names it.
    Stewardship.objects.get_or_create(territory=other, defaults={"collective": cluster.collective})


def load_master_plan(cluster, *, by):
    """Write the cluster's schéma directeur, validate it, and publish one version, once.

    The version is rendered here rather than by the task: load_demo runs in one
    transaction, whose on_commit callbacks would come too late to publish it (the
    task, run then, finds the version ready and does nothing).
    """
    load_places_and_cooperation(cluster)
    if MasterPlanVersion.objects.filter(plan__cluster=cluster,
                                        published_at__isnull=False).exists():
        return None
    for key, text in DEMO_MASTER_PLAN.items():
        section = MasterPlanSection.objects.filter(plan__cluster=cluster, key=key).first()
        if section is None or not section.text:
            section = master_plan_section_save(cluster=cluster, key=key, text=text,
                                               version=section.version if section else 1,
                                               by=by)
        if section.validated_at is None:
            master_plan_section_validate(section=section, by=by)
    version = master_plan_generate(cluster=cluster, by=by)
    version = master_plan_render(version=version)
    return master_plan_publish(version=version, by=by)
