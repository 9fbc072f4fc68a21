"""Load or update the tier tree from a division table (default: Wuhan, 3,702 areas)."""

from django.core.management.base import BaseCommand, CommandError

from portal.reference.divisions import WUHAN_DIVISIONS, AreaImportError, areas_load_file


class Command(BaseCommand):
    help = "Load the division tree from a CSV file (code,name,level,parent_code). Idempotent, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(WUHAN_DIVISIONS),
                            help="CSV file; defaults to the bundled Wuhan table.")

    def handle(self, *args, path, **options):
        def progress(level, created, updated):
            self.stdout.write(f"  {level}: {created} created, {updated} updated")

        self.stdout.write(f"Loading areas from {path}")
        try:
            result = areas_load_file(path=path, progress=progress)
        except AreaImportError as exc:
            raise CommandError("The division table was refused; nothing was written:\n" + "\n".join(exc.errors))
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}")
        self.stdout.write(self.style.SUCCESS(
            f"{result.total} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."))
        if result.not_in_file:
            self.stdout.write(f"{len(result.not_in_file)} areas in the database are not in the file and were kept.")
