"""Demo data of territories: the 20 territories labelled in 2019 with their real perimeters."""

from territories.models import Actor, Territory
from territories.services import territory_set_perimeter


def load_territories(labelled):
    """Create or update each labelled territory, published, with its official perimeter."""
    territories = {}
    for item in labelled:
        territory, _ = Territory.objects.update_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "kind": item["kind"], "summary": item["summary"],
                      "is_published": True},
        )
        perimeter = item["perimeter"]
        territory_set_perimeter(territory=territory, level=perimeter["level"],
                                codes=perimeter["codes"])
        territories[item["slug"]] = territory
    return territories


# The families of the press kit's collectifs porteurs, as actor types.
FAMILY_KINDS = {
    "collectivite": Actor.Kind.LOCAL_AUTHORITY,
    "ess": Actor.Kind.ASSOCIATION,
    "reseau_ess": Actor.Kind.NETWORK,
    "accompagnement": Actor.Kind.NETWORK,
    "entreprise": Actor.Kind.PME,
    "recherche": Actor.Kind.RESEARCH,
    "citoyens": Actor.Kind.CITIZENS,
    "autre": Actor.Kind.OTHER,
}


def load_collective_actors(labelled, territories):
    """Create the members of each collectif porteur as published actors of its territory."""
    count = 0
    for item in labelled:
        territory = territories[item["slug"]]
        for member in item["collective"]["actors"]:
            Actor.objects.update_or_create(
                territory=territory, name=member["name"],
                defaults={"kind": FAMILY_KINDS.get(member["family"], Actor.Kind.OTHER),
                          "is_published": True,
                          "description": "Membre du collectif porteur (dossier de presse 2019)."},
            )
            count += 1
    return count
