"""Demo data of the projects app."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from projects.models import Event, Registration

# Projects ---------------------------------------------------------------------------------

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
