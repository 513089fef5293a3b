"""Demo data of the cluster app: the collectifs porteurs of the 20 territories labelled in 2019."""

import json
from datetime import timedelta
from pathlib import Path

from cluster.models import (
    Challenge,
    Cluster,
    Collective,
    CollectiveActor,
    Engagement,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
    SteeringMeeting,
    User,
)
from cluster.roadmap import add_months
from cluster.services import cluster_create, engagement_save, steering_meeting_save
from territories.models import Actor, Commune

FRENCH_IMPACT_2019 = Path(__file__).resolve().parent / "data" / "french_impact_2019.json"


def labelled_territories():
    """Return the 20 territories of the February 2019 press kit, as written in the data file."""
    with FRENCH_IMPACT_2019.open(encoding="utf-8") as data:
        return json.load(data)


def load_collectives(territories):
    """Create or update one collective per labelled territory; return them by slug."""
    collectives = {}
    for territory in territories:
        actors = ", ".join(actor["name"] for actor in territory["collective"]["actors"])
        collective, _ = Collective.objects.update_or_create(
            slug=territory["slug"],
            defaults={
                "name": f"Collectif porteur {territory['name']}",
                "description": f"{territory['collective']['text']}\n\nActeurs : {actors}",
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
