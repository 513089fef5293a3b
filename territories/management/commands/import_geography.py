import time

from django.core.management.base import BaseCommand

from territories.geography import import_geography


class Command(BaseCommand):
    help = "Charge ou met à jour régions, départements, EPCI et communes (fichiers livrés)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = import_geography()
        self.stdout.write(self.style.SUCCESS(
            "Géographie chargée en {seconds:.1f} s : {regions} régions, {departments} "
            "départements, {epci} EPCI, {communes} communes et arrondissements.".format(
                seconds=time.perf_counter() - started, **counts)
        ))
