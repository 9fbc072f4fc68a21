"""Create the demo accounts and sample data; --scale N grows it for benchmarks."""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from portal.models import Area
from portal.reference.divisions import areas_load_file


class Command(BaseCommand):
    help = "Create documented demo accounts for every role and sample data. Running it twice adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0,
                            help="Grow the sample data N times for benchmarks (0: the small demo set).")

    def handle(self, *args, scale, **options):
        if scale < 0:
            raise CommandError(gettext("--scale must be 0 or more."))
        started = time.monotonic()
        if not Area.objects.exists():
            self.stdout.write(gettext("Loading the division tree first…"))
            areas_load_file()

        def log(message, progress=False):
            # Each app's builder says what it wrote, through gettext (the active language).
            elapsed = time.monotonic() - started
            self.stdout.write(gettext("[%(elapsed)6.1fs]   %(message)s") % {"elapsed": elapsed, "message": message})

        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.demo":
                    continue
                raise
            self.stdout.write(gettext("%(app)s:") % {"app": config.verbose_name})
            module.build(scale=scale, log=log)
        self.stdout.write(self.style.SUCCESS(
            gettext("Demo data ready in %(seconds).1fs.") % {"seconds": time.monotonic() - started}))
