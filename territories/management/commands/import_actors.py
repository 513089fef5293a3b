from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territories.imports import ImportFileError, apply_import, format_report, plan_import
from territories.models import Territory


class Command(BaseCommand):
    help = "Importe des acteurs depuis un fichier CSV (mêmes règles et même rapport que la page)."

    def add_arguments(self, parser):
        parser.add_argument("territory", help="identifiant du territoire (slug)")
        parser.add_argument("file", help="chemin du fichier CSV")
        parser.add_argument("--dry-run", action="store_true",
                            help="afficher le rapport sans rien écrire")
        parser.add_argument("--publish", action="store_true",
                            help="publier les nouveaux acteurs (sinon : brouillons)")

    def handle(self, *args, territory, file, dry_run=False, publish=False, **options):
        target = Territory.objects.filter(slug=territory).first()
        if target is None:
            raise CommandError(f"Territoire inconnu : « {territory} ».")
        try:
            raw = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Lecture impossible de {file} : {error.strerror}.") from None
        try:
            plan = plan_import(territory=target, raw=raw)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for line in format_report(plan.report()):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Aperçu seulement : rien n'a été écrit (--dry-run).")
            return
        apply_import(territory=target, plan=plan, publish=publish)
        self.stdout.write(self.style.SUCCESS("Import terminé."))
