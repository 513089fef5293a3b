from django.core.management.base import BaseCommand, CommandError

from territories.geography import DATA_DIR, build_dataset


class Command(BaseCommand):
    help = (
        "Reconstruit les fichiers de territories/data/geography/ depuis le dossier data/ du "
        "paquet npm @etalab/decoupage-administratif (voir territories/data/geography/SOURCE.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="dossier data/ du paquet décompressé")

    def handle(self, *args, source, **options):
        try:
            counts = build_dataset(source, DATA_DIR)
        except FileNotFoundError as error:
            raise CommandError(f"Fichier introuvable : {error.filename}") from None
        self.stdout.write(self.style.SUCCESS(
            "Écrit : {regions} régions, {departments} départements, {epci} EPCI, "
            "{communes} communes et arrondissements.".format(**counts)
        ))
