from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territories.import_reports import format_report
from territories.import_writes import actor_import_write
from territories.imports import ImportFileError, actor_import_dry_run
from territories.models import Territory


class Command(BaseCommand):
    help = "Importe des acteurs depuis un fichier CSV (mêmes règles et même rapport que la page)."

    def add_arguments(self, parser):
        parser.add_argument("territory", help="identifiant du territoire (slug)")
        parser.add_argument("file", help="chemin du fichier CSV")
        parser.add_argument("--dry-run", action="store_true",
                            help="afficher l'aperçu sans rien écrire")
        parser.add_argument("--publish", action="store_true",
                            help="publier les nouveaux acteurs (sinon : brouillons)")
        parser.add_argument("--include-outside", action="store_true",
                            help="importer aussi les acteurs dont la commune est hors du "
                                 "périmètre du territoire")

    def handle(self, *args, territory, file, dry_run=False, publish=False,
               include_outside=False, **options):
        target = Territory.objects.filter(slug=territory).first()
        if target is None:
            raise CommandError(f"Territoire inconnu : « {territory} ».")
        try:
            raw = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Lecture impossible de {file} : {error.strerror}.") from None
        try:
            preview = actor_import_dry_run(territory=target, raw=raw)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        every_line = options.get("verbosity", 1) > 1
        if dry_run:
            for line in format_report(preview.report(), every_line=every_line):
                self.stdout.write(line)
            self.stdout.write("Aperçu seulement : rien n'a été écrit (--dry-run).")
            return
        actor_import_write(territory=target, preview=preview, publish=publish,
                           include_outside=include_outside)
        for line in format_report(preview.report(), every_line=every_line):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Import terminé."))
