"""Demo data of the cluster app: the collectifs porteurs of the 20 territories labelled in 2019."""

import json
from pathlib import Path

from cluster.models import (
    Challenge,
    Cluster,
    Collective,
    CollectiveActor,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
    User,
)
from cluster.roadmap import add_months
from cluster.services import cluster_create
from territories.models import Actor

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
            # One milestone of the steps already done was missed: visible as late.
            late = Milestone.objects.filter(step__cluster=cluster, due_date__lt=today).last()
            if late is not None:
                Milestone.objects.filter(pk=late.pk).update(done_on=None)
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
