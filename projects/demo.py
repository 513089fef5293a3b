"""Demo data of the projects app."""

from datetime import timedelta

from projects.models import CommunityMeeting, CommunityMember
from territories.models import Actor

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
