"""Load the demo data of every app, in the order the apps build on each other.

It lives in funding because funding is the top app: it may import the others.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cluster import demo as cluster_demo
from cluster import indicators_demo, network_demo
from cluster.models import Membership
from cluster.roadmap import add_months
from funding import demo as funding_demo
from funding.models import FunderMember
from projects import demo as projects_demo
from territories import demo as territories_demo
from territories.geography import import_geography
from territories.models import Commune

DEMO_PASSWORD = "demo-cluster-2019"  # noqa: S105 - printed on purpose, demo only.

DEMO_ACCOUNTS = [
    # email, first name, last name, key, what they are (printed)
    ("animatrice@demo.local", "Camille", "Martin", "facilitator",
     "animatrice du collectif Aix-Marseille-Provence"),
    ("membre@demo.local", "Karim", "Benali", "member",
     "membre du collectif Aix-Marseille-Provence"),
    ("membre.lyon@demo.local", "Léa", "Rousseau", "member-b",
     "membre du collectif Lyon-Métropole"),
    ("instructeur@demo.local", "Hélène", "Dubois", "reviewer",
     "instructrice pour Le French Impact"),
    ("financeur.admin@demo.local", "Sophie", "Lambert", "funder-admin",
     "administratrice de Le French Impact (ses appels, ses instructeur·rices)"),
    ("coordination@demo.local", "Nicolas", "Petit", "staff",
     "coordination nationale (équipe, administration)"),
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (territoires labellisés en 2019, comptes de démo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charger même quand DEBUG est faux (crée des comptes au mot de passe connu).",
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les comptes de démonstration ont un mot de passe public : lancez cette commande "
                "avec DEBUG=true, ou ajoutez --force si c'est bien voulu."
            )
        if not Commune.objects.exists():
            counts = import_geography()
            self.stdout.write(f"Géographie officielle : {counts['communes']} communes chargées.")
        labelled = cluster_demo.labelled_territories()
        territories = territories_demo.load_territories(labelled)
        actor_count = territories_demo.load_collective_actors(labelled, territories)
        collectives = cluster_demo.load_collectives(labelled)
        cluster_demo.load_collective_actor_links(labelled, collectives, territories)
        # The label dates from 2019; the demo's clusters run now, five months in, so that
        # the dashboards show a live roadmap.
        today = timezone.localdate()
        start = add_months(today.replace(day=1), -5)
        clusters = cluster_demo.load_clusters(labelled, collectives, territories,
                                              start_date=start, today=today)
        # The second wave: perimeters, collectives and défis "à compléter", kept out of
        # `clusters` so that the invented community, projects and dossiers stay on the first.
        second_wave = cluster_demo.second_wave_territories()
        territories.update(territories_demo.load_territories(second_wave))
        collectives.update(cluster_demo.load_collectives(second_wave))
        cluster_demo.load_clusters(second_wave, collectives, territories, start_date=start,
                                   today=today)
        for wave, items in ((1, labelled), (2, second_wave)):
            territories_demo.load_labels(items, territories, wave=wave,
                                         labelled_on=cluster_demo.LABEL_WAVES[wave])
        projects_demo.load_community(clusters, today)
        funders = funding_demo.load_funders()

        users = {}
        for email, first_name, last_name, kind, _role in DEMO_ACCOUNTS:
            users[kind] = cluster_demo.ensure_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                is_staff=kind == "staff",
            )
        marseille = collectives["aix-marseille-provence"]
        cluster_demo.ensure_membership(
            user=users["facilitator"], collective=marseille, role=Membership.Role.FACILITATOR
        )
        cluster_demo.ensure_membership(
            user=users["member"], collective=marseille, role=Membership.Role.MEMBER
        )
        cluster_demo.ensure_membership(
            user=users["member-b"], collective=collectives["lyon-metropole"],
            role=Membership.Role.MEMBER,
        )
        funding_demo.ensure_reviewer(user=users["reviewer"], funder=funders["le-french-impact"])
        funding_demo.ensure_reviewer(user=users["funder-admin"],
                                     funder=funders["le-french-impact"],
                                     role=FunderMember.Role.ADMIN)
        cluster_demo.load_objectives(labelled, clusters, today=today, by=users["facilitator"])
        # The network: national themes, shared indicators adopted where the défis fit them.
        indicators_demo.load_shared_indicators(clusters, today=today, by=users["facilitator"])
        projects = projects_demo.load_projects(clusters, today=today, by=users["facilitator"])
        projects_demo.load_outcomes(clusters, today=today, by=users["facilitator"])
        cluster_demo.load_commitments(clusters["aix-marseille-provence"], today=today,
                                      by=users["facilitator"])
        # Events --------------------------------------------------------------------------
        projects_demo.load_events(clusters, today)
        network_demo.load_network(clusters)
        funding_demo.load_plan(clusters["aix-marseille-provence"], by=users["facilitator"])
        # Calls and dossiers ----------------------------------------------------------------
        funding_demo.load_follow_up_dossier(clusters["aix-marseille-provence"],
                                            by=users["facilitator"])
        # Reviews, conflicts of interest, decisions ---------------------------------------
        funding_demo.load_submitted_follow_up(clusters, by=users["staff"])
        # Schéma directeur: last, once projects, events and the funding plan exist ----------
        cluster_demo.load_master_plan(clusters["aix-marseille-provence"],
                                      by=users["facilitator"])

        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration : {len(territories)} territoires labellisés, "
                f"{len(collectives)} collectifs porteurs et leurs {actor_count} acteurs, "
                f"{len(projects)} projets, {len(funders)} financeurs."
            )
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for email, _first, _last, _kind, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:28} {role}")
