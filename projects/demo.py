"""Demo data of the projects app, loaded by `make run` (see funding's load_demo command)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from cluster.models import SharedIndicator, SteeringDecision, SteeringMeeting
from projects.models import (
    CommunityMeeting,
    CommunityMember,
    Event,
    Project,
    ProjectOutcome,
    PrototypeDecision,
    Registration,
    Replication,
    StageChange,
)
from projects.services import unique_slug
from territories.models import Actor

# Projects --------------------------------------------------------------------------------

# (territory slug, défi index, title, stage, theme, summary, observed outcomes, published).
# Three come from the seeds: Valence-Romans' deposit-return scheme (two insertion jobs),
# the Cité de l'agriculture's urban micro-farm in Marseille, and Nantes' tiers-lieux
# expertise taken up in Strasbourg. The others are drawn from each territory's défis.
DEMO_PROJECTS = [
    ("aix-marseille-provence", 0, "Micro-ferme urbaine de la Cité de l'agriculture",
     "experimentation", "agriculture-urbaine",
     "Une micro-ferme sur une friche du 14e arrondissement : production maraîchère, "
     "formation à l'agriculture urbaine et accueil pédagogique des écoles du quartier.",
     "1 200 m² cultivés, 14 personnes formées la première saison.", True),
    ("aix-marseille-provence", 1, "Plateforme partagée de l'hébergement d'urgence",
     "prototype", "logement",
     "Un outil commun aux maraudes et aux accueils de jour pour connaître en temps réel "
     "les places d'hébergement disponibles le soir.", "", True),
    ("aix-marseille-provence", 2, "Réseau des contributeurs citoyens", "idee", None,
     "Recenser les compétences, les espaces et les données que les habitants veulent "
     "mettre en commun, et les relier aux projets du cluster.", "", False),
    ("valence-romans", 2, "Consigne des emballages en verre", "impact", "economie-circulaire",
     "Collecter, laver et remettre en circulation les bouteilles des producteurs locaux, "
     "avec une entreprise d'insertion.",
     "Deux emplois créés dans une entreprise d'insertion ; l'ambition est d'en créer une "
     "dizaine.", True),
    ("valence-romans", 0, "Fabrique des groupes projets citoyens", "experimentation", None,
     "Accompagner les groupes projets portés par les habitants : méthode, outillage, "
     "mise en relation avec les collectivités.", "", True),
    ("nantes-metropole", 0, "Foncière solidaire des tiers-lieux de l'ESS",
     "changement_echelle", None,
     "Acquérir et gérer collectivement des locaux pour que les structures de l'ESS cessent "
     "d'être locataires d'espaces partagés.",
     "Trois tiers-lieux acquis ; méthode transmise à d'autres territoires.", True),
    ("nantes-metropole", 1, "Mutualisation de la logistique des circuits courts",
     "prototype", "alimentation-durable",
     "Des tournées partagées entre producteurs pour livrer les restaurants collectifs.",
     "", True),
    ("lyon-metropole", 1, "Épicerie solidaire itinérante", "experimentation",
     "alimentation-durable",
     "Un camion-épicerie qui dessert les quartiers sans commerce alimentaire.", "", True),
    ("lyon-metropole", 3, "Recyclerie des matériaux du BTP", "prototype",
     "economie-circulaire",
     "Récupérer les matériaux des chantiers de déconstruction pour les revendre aux "
     "artisans et aux particuliers.", "", True),
    ("clermont-ferrand", 2, "Conseillers numériques dans les maisons de quartier",
     "experimentation", "numerique-inclusif",
     "Des permanences d'accompagnement aux démarches en ligne et un parc d'ordinateurs "
     "reconditionnés prêtés aux familles.", "", True),
    ("est-ensemble", 1, "Cantine anti-gaspillage des invendus", "prototype",
     "alimentation-durable",
     "Cuisiner les invendus des marchés avec des personnes en insertion et servir des "
     "repas à prix libre.", "", True),
    ("figeac", 0, "Accueil des nouveaux salariés et de leur conjoint", "experimentation",
     "inclusion-emploi",
     "Une offre mutualisée entre employeurs : logement temporaire, emploi du conjoint, "
     "accueil des enfants.", "", True),
    ("le-mans-sarthe", 2, "Colocation intergénérationnelle", "idee", "bien-vieillir",
     "Mettre en relation des personnes âgées disposant d'une chambre et des jeunes en "
     "formation.", "", False),
    ("mayotte", 1, "Filière locale de valorisation des pneus", "idee", "economie-circulaire",
     "Transformer sur l'île les pneus usagés au lieu de les exporter.", "", False),
    ("montreuillois", 1, "Séjours de répit pour aidants et aidés", "prototype",
     "bien-vieillir",
     "Des séjours touristiques adaptés où aidants et personnes aidées partent ensemble.",
     "", True),
    ("pays-de-grasse", 0, "Chantier d'insertion des métiers du parfum", "experimentation",
     "inclusion-emploi",
     "Former aux métiers de la cueillette et de la distillation des personnes éloignées de "
     "l'emploi.", "", True),
    ("region-bretagne", 0, "Réseau régional des ressourceries", "impact",
     "economie-circulaire",
     "Mutualiser la collecte, la formation et la vente entre les ressourceries bretonnes.",
     "Douze ressourceries en réseau, 35 emplois consolidés.", True),
    ("region-normandie", 2, "Veilleurs de voisinage", "prototype", "bien-vieillir",
     "Des habitants formés repèrent l'isolement des personnes âgées et passent le relais.",
     "", True),
    ("region-nouvelle-aquitaine", 1, "Supermarché coopératif de quartier", "experimentation",
     "alimentation-durable",
     "Un supermarché géré par ses membres, qui y donnent trois heures par mois.", "", True),
    ("roissy-pays-de-france", 1, "Garage solidaire et location de véhicules", "prototype",
     "mobilite-douce",
     "Réparer à bas coût et louer des voitures et scooters aux demandeurs d'emploi.", "",
     True),
    ("roubaix", 2, "Vestiaire partagé de quartier", "experimentation", "economie-circulaire",
     "Louer, réparer et échanger les vêtements plutôt que les jeter.", "", True),
    ("territoire-ledonien-cluster-jura", 2, "Épiceries coopératives rurales", "prototype",
     "alimentation-durable",
     "Ouvrir dans les villages des épiceries tenues par des habitants coopérateurs.", "",
     True),
    ("territoire-olympique-2024", 1, "Groupement d'entreprises de l'ESS pour les Jeux",
     "experimentation", "inclusion-emploi",
     "Répondre ensemble aux marchés des Jeux olympiques et paralympiques.", "", True),
    ("vallee-de-la-marne", 0, "Vélos partagés entre gares et zones d'activité", "idee",
     "mobilite-douce",
     "Une flotte de vélos à assistance électrique pour le dernier kilomètre.", "", False),
]

STAGES = list(Project.Stage)


def load_projects(clusters, *, today, by):
    """Create the demo projects once, each with the stage changes that led it to its stage,
    and Nantes' tiers-lieux foncière taken up in Strasbourg."""
    created = {}
    for slug, challenge_index, title, stage, theme, summary, observed, published in \
            DEMO_PROJECTS:
        cluster = clusters[slug]
        project = Project.objects.filter(cluster=cluster, title=title).first()
        if project is None:
            challenge = list(cluster.challenges.order_by("position", "pk"))[challenge_index]
            project = Project.objects.create(
                cluster=cluster, challenge=challenge, title=title,
                slug=unique_slug(Project, title), summary=summary, stage=stage,
                observed_outcomes=observed, is_published=published, created_by=by,
                start_date=cluster.start_date)
            project.carriers.set(cluster.collective.actors.filter(
                territory=cluster.territory).order_by("pk")[:1]
                or cluster.territory.actors.order_by("pk")[:1])
            if theme:
                project.themes.set([theme])
            project.objectives.set(challenge.objectives.all())
            steps = STAGES.index(stage)
            StageChange.objects.bulk_create(
                StageChange(project=project, from_stage=STAGES[n], to_stage=STAGES[n + 1],
                            reason="Décision du comité de pilotage (démonstration).",
                            changed_on=today - timedelta(days=30 * (steps - n)), by=by)
                for n in range(steps))
            if steps >= 1:
                _record_prototype_decision(project, today - timedelta(days=30 * steps))
        created[title] = project
    _replicate_demo(created, clusters, by)
    return created


def _record_prototype_decision(project, held_on):
    meeting, _ = SteeringMeeting.objects.get_or_create(
        cluster=project.cluster, held_on=held_on,
        defaults={"title": "Comité de pilotage : choix des prototypes",
                  "participants": "Collectif porteur\nCollectivités partenaires"})
    decision = SteeringDecision.objects.create(
        meeting=meeting, text=f"Lancer « {project.title} » en prototype.",
        position=meeting.decisions.count())
    PrototypeDecision.objects.create(project=project, decision=decision)


def _replicate_demo(created, clusters, by):
    origin = created["Foncière solidaire des tiers-lieux de l'ESS"]
    if origin.replications.exists():
        return
    strasbourg = clusters["strasbourg-eurometropole"]
    copy = Project.objects.create(
        cluster=strasbourg, challenge=strasbourg.challenges.order_by("position").first(),
        title="Foncière solidaire des tiers-lieux strasbourgeois",
        slug=unique_slug(Project, "Foncière solidaire des tiers-lieux strasbourgeois"),
        summary=origin.summary, is_published=True, created_by=by,
        start_date=strasbourg.start_date)
    copy.carriers.set(strasbourg.territory.actors.order_by("pk")[:1])
    copy.themes.set(origin.themes.all())
    Replication.objects.create(origin=origin, copy=copy, by=by,
                               note="L'expertise nantaise des tiers-lieux au profit de "
                                    "Strasbourg, avec l'appui du French Impact.")


# Community --------------------------------------------------------------------------------

COMMUNITY_CLUSTER = "aix-marseille-provence"

# Days before today of each meeting held, and one planned ahead (no attendance yet).
DEMO_MEETINGS = [
    (150, "Première rencontre : qui fait quoi sur le territoire ?"),
    (120, "Atelier : les besoins des quartiers nord"),
    (90, "Visite d'un tiers-lieu et de son jardin partagé"),
    (63, "Choisir nos trois défis"),
    (35, "Atelier prototypes : alimentation et mobilité"),
    (14, "Point d'étape avant le comité de pilotage"),
]
PLANNED_MEETING = (-10, "Rencontre de rentrée : nouveaux projets")

# name, e-mail, index of the actor of the territory (or None), days since joining,
# days since leaving (or None), indexes of the meetings attended.
DEMO_MEMBERS = [
    ("Nadia Haddad", "nadia.haddad@demo.local", 0, 160, None, [0, 1, 2, 3, 4, 5]),
    ("Julien Ferrand", "julien.ferrand@demo.local", 1, 160, None, [0, 1, 2, 3, 4, 5]),
    ("Sophie Lambert", "sophie.lambert@demo.local", None, 160, None, [0, 1, 3, 4, 5]),
    ("Mehdi Ouali", "mehdi.ouali@demo.local", 2, 160, None, [0, 1, 2]),
    ("Claire Vidal", "", None, 155, None, [0, 1]),
    ("Thomas Roux", "thomas.roux@demo.local", 3, 150, None, [0, 1, 2, 3]),
    ("Aïcha Diallo", "aicha.diallo@demo.local", None, 130, None, [1, 3, 5]),
    ("Pierre Giraud", "pierre.giraud@demo.local", None, 140, None, []),
    ("Laura Morel", "laura.morel@demo.local", None, 20, None, [5]),
    ("Hugo Blanc", "", None, 10, None, []),
    ("Emma Garnier", "emma.garnier@demo.local", 0, 125, None, [1, 3, 4, 5]),
    ("Lucas Bonnet", "lucas.bonnet@demo.local", None, 160, 80, [0, 1]),
]


def load_community(clusters, today):
    """Give the Aix-Marseille-Provence cluster its community and six months of meetings.

    Attendance fades for a few people, so the "Personnes qui s'éloignent" panel has
    something to show; running it again updates the same rows.
    """
    cluster = clusters.get(COMMUNITY_CLUSTER)
    if cluster is None:
        return 0
    actors = list(Actor.objects.filter(territory=cluster.territory).order_by("name", "pk")[:4])
    members = []
    for name, email, actor_index, joined, left, _attended in DEMO_MEMBERS:
        actor = actors[actor_index] if actor_index is not None and actor_index < len(actors) \
            else None
        member, _ = CommunityMember.objects.update_or_create(
            cluster=cluster, name=name,
            defaults={"email": email, "actor": actor,
                      "joined_on": today - timedelta(days=joined),
                      "left_on": today - timedelta(days=left) if left is not None else None},
        )
        members.append(member)
    place = cluster.territory.places.order_by("name", "pk").first()
    for index, (days_ago, title) in enumerate(DEMO_MEETINGS):
        meeting, _ = CommunityMeeting.objects.update_or_create(
            cluster=cluster, title=title,
            defaults={"held_on": today - timedelta(days=days_ago), "place": place,
                      "notes": "Rencontre de démonstration."},
        )
        meeting.attendees.set(member for member, spec in zip(members, DEMO_MEMBERS, strict=True)
                              if index in spec[5])
    days_ahead, title = PLANNED_MEETING
    planned, _ = CommunityMeeting.objects.update_or_create(
        cluster=cluster, title=title,
        defaults={"held_on": today - timedelta(days=days_ahead), "place": place,
                  "notes": "Ordre du jour à compléter."},
    )
    planned.attendees.clear()
    return len(members)


# Events -----------------------------------------------------------------------------------

DEMO_PEOPLE = [
    "Inès Moreau", "Thomas Garcia", "Sarah Haddad", "Julien Fabre", "Amina Diallo",
    "Pierre Lopez", "Chloé Marchetti", "Mehdi Saïdi", "Lucie Roux", "Antoine Blanc",
    "Nadia Ferhat", "Hugo Castel",
]


def _people(count, *, offset=0):
    for name in DEMO_PEOPLE[offset:offset + count]:
        first, last = name.split(" ", 1)
        yield name, f"{slugify(first)}.{slugify(last)}@demo.local"


def load_events(clusters, today):
    """Give the Aix-Marseille-Provence cluster an upcoming forum with a few registrations
    and a past meeting with its attendance; return how many events were created.

    Events are found again by their slug, so loading twice changes nothing.
    """
    cluster = clusters.get("aix-marseille-provence")
    if cluster is None:
        return 0
    zone = timezone.get_current_timezone()

    def at(day, hour, minute=0):
        return datetime.combine(day, time(hour, minute), tzinfo=zone)

    place = cluster.territory.places.filter(is_published=True).order_by("name").first()
    forum_day = today + timedelta(days=30)
    meeting_day = today - timedelta(days=45)
    created = 0
    forum, is_new = Event.objects.get_or_create(
        slug="forum-innovation-sociale-aix-marseille-provence",
        defaults={
            "cluster": cluster,
            "title": "Forum de l'innovation sociale",
            "starts_at": at(forum_day, 9, 30),
            "ends_at": at(forum_day, 17, 30),
            "place": place,
            "address": "" if place else "La Friche la Belle de Mai, 41 rue Jobin, 13003 Marseille",
            "capacity": 120,
            "is_published": True,
            "programme": (
                "9h30 — Accueil et café\n"
                "10h00 — Les trois défis du cluster : où en sommes-nous ?\n"
                "11h00 — Présentation des projets, en stands\n"
                "12h30 — Déjeuner partagé\n"
                "14h00 — Ateliers : financer, essaimer, mesurer l'impact\n"
                "16h30 — Restitution et suite de la feuille de route"
            ),
        },
    )
    if is_new:
        created += 1
        Registration.objects.bulk_create(
            Registration(event=forum, name=name, email=email,
                         status=Registration.Status.CONFIRMED)
            for name, email in _people(6))
    meeting, is_new = Event.objects.get_or_create(
        slug="rencontre-lancement-communaute-aix-marseille-provence",
        defaults={
            "cluster": cluster,
            "title": "Rencontre de lancement de la communauté",
            "starts_at": at(meeting_day, 18, 0),
            "ends_at": at(meeting_day, 20, 30),
            "place": place,
            "address": "" if place else "Cité des associations, 93 La Canebière, 13001 Marseille",
            "capacity": 40,
            "is_published": True,
            "programme": "Présentation du cluster, tour de table, premières pistes de projets.",
        },
    )
    if is_new:
        created += 1
        people = list(_people(12))
        Registration.objects.bulk_create(
            Registration(event=meeting, name=name, email=email,
                         status=(Registration.Status.CANCELLED if index == 11
                                 else Registration.Status.CONFIRMED),
                         attended=index < 8)
            for index, (name, email) in enumerate(people))
    return created


# Outcomes of demo projects on the shared indicators: invented figures, said as such.
DEMO_OUTCOMES = [
    # (territory, project title, indicator, [(days before today, value)])
    ("valence-romans", "Consigne des emballages en verre", "tonnes-dechets-evitees",
     [(400, Decimal(12)), (40, Decimal(31))]),
    ("valence-romans", "Consigne des emballages en verre", "emplois-insertion",
     [(40, Decimal(2))]),
]


def load_outcomes(clusters, *, today, by):
    """Report the demo projects' outcomes on shared indicators (« donnée de démonstration »)."""
    for slug, title, indicator_slug, values in DEMO_OUTCOMES:
        project = Project.objects.filter(cluster=clusters[slug], title=title).first()
        indicator = SharedIndicator.objects.filter(slug=indicator_slug).first()
        if project is None or indicator is None:
            continue
        for days, value in values:
            ProjectOutcome.objects.get_or_create(
                project=project, indicator=indicator,
                measured_on=today - timedelta(days=days),
                defaults={"value": value, "created_by": by,
                          "source": "Donnée de démonstration (chiffre inventé)"})
