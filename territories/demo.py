"""Demo data of territories: the 20 territories labelled in 2019 with their real perimeters."""

from decimal import Decimal

from territories.commune_shapes import spread
from territories.labels import label_grant
from territories.locking import bump_versions
from territories.models import Actor, Label, Territory, Theme
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


def load_labels(items, territories, *, wave, labelled_on):
    """Label each territory of `items` in `wave` on `labelled_on`, unless it has a label.

    Return how many were labelled now.
    """
    count = 0
    for item in items:
        territory = territories[item["slug"]]
        if Label.objects.filter(territory=territory).exists():
            continue
        label_grant(territory=territory, wave=wave, labelled_on=labelled_on)
        count += 1
    return count


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

# Approximate demo positions, not survey data: the town centre (about the hôtel de ville) of
# the most populous commune of each labelled territory, by INSEE code. The official dataset
# of territories/data/geography has no coordinates (Etalab's decoupage-administratif carries
# none), so the demo places its actors around these points to give every map something to
# show. Real actors get their coordinates from an import or from their form.
TOWN_CENTRES = {
    "06069": (Decimal("43.6589"), Decimal("6.9237")),   # Grasse
    "13055": (Decimal("43.2965"), Decimal("5.3698")),   # Marseille
    "26362": (Decimal("44.9334"), Decimal("4.8924")),   # Valence
    "33063": (Decimal("44.8378"), Decimal("-0.5792")),  # Bordeaux
    "35238": (Decimal("48.1113"), Decimal("-1.6800")),  # Rennes
    "39300": (Decimal("46.6744"), Decimal("5.5550")),   # Lons-le-Saunier
    "44109": (Decimal("47.2184"), Decimal("-1.5536")),  # Nantes
    "46102": (Decimal("44.6086"), Decimal("2.0317")),   # Figeac
    "59512": (Decimal("50.6942"), Decimal("3.1746")),   # Roubaix
    "62108": (Decimal("50.4080"), Decimal("1.5930")),   # Berck
    "63113": (Decimal("45.7772"), Decimal("3.0870")),   # Clermont-Ferrand
    "67482": (Decimal("48.5734"), Decimal("7.7521")),   # Strasbourg
    "69123": (Decimal("45.7676"), Decimal("4.8363")),   # Lyon
    "72181": (Decimal("48.0061"), Decimal("0.1996")),   # Le Mans
    "76351": (Decimal("49.4944"), Decimal("0.1079")),   # Le Havre
    "77108": (Decimal("48.8811"), Decimal("2.5906")),   # Chelles
    "93048": (Decimal("48.8638"), Decimal("2.4485")),   # Montreuil
    "93066": (Decimal("48.9362"), Decimal("2.3574")),   # Saint-Denis
    "95585": (Decimal("48.9973"), Decimal("2.3780")),   # Sarcelles
    "97611": (Decimal("-12.7806"), Decimal("45.2279")),  # Mamoudzou
}

# Step between neighbouring demo actors, in degrees of latitude (about 400 m): enough for
# their markers not to overlap once the map is zoomed on the town.
SPREAD = 0.0036


def demo_position(centre, index):
    """Return the (latitude, longitude) of the index-th demo actor around a town centre.

    The points follow a sunflower spiral: evenly spaced, none on top of another, and the
    same on every run.
    """
    latitude, longitude = spread(centre, index, SPREAD)
    step = Decimal("0.000001")
    return Decimal(latitude).quantize(step), Decimal(longitude).quantize(step)


def load_collective_actors(labelled, territories):
    """Create the members of each collectif porteur as published actors of its territory.

    Each one gets the territory's most populous commune, a demo position around its town
    centre, and the themes of the défis its collective carries. Running it again changes
    nothing, and keeps a location or themes someone has since set.
    """
    count = 0
    for item in labelled:
        territory = territories[item["slug"]]
        commune = territory.communes.order_by("-population", "code").first()
        centre = TOWN_CENTRES.get(commune.code) if commune else None
        themes = list(Theme.objects.filter(
            slug__in={challenge["theme"] for challenge in item.get("challenges", [])}))
        for index, member in enumerate(item["collective"]["actors"]):
            actor, _ = Actor.objects.get_or_create(territory=territory, name=member["name"])
            wanted = {"kind": FAMILY_KINDS.get(member["family"], Actor.Kind.OTHER),
                      "is_published": True,
                      "description": "Membre du collectif porteur (dossier de presse 2019)."}
            if actor.commune_id is None and actor.latitude is None:
                wanted["commune"] = commune
                if centre:
                    wanted["latitude"], wanted["longitude"] = demo_position(centre, index)
            changed = [name for name, value in wanted.items() if getattr(actor, name) != value]
            if changed:
                for name in changed:
                    setattr(actor, name, wanted[name])
                actor.save(update_fields=[*changed, "updated_at"])
                bump_versions(Actor, [actor.pk])
            if themes and not actor.themes.exists():
                actor.themes.set(themes)
            count += 1
    return count
