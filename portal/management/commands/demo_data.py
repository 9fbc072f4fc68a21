"""Create the demo accounts and sample data; --scale N grows it for benchmarks."""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portal.models import Area
from portal.reference.divisions import areas_load_file


class Command(BaseCommand):
    help = "Create documented demo accounts for every role and sample data. Running it twice adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0,
                            help="Grow the sample data N times for benchmarks (0: the small demo set).")

    def handle(self, *args, scale, **options):
        if scale < 0:
            raise CommandError("--scale must be 0 or more.")
        started = time.monotonic()
        if not Area.objects.exists():
            self.stdout.write("Loading the division tree first…")
            areas_load_file()

        def log(message, progress=False):
            elapsed = time.monotonic() - started
            self.stdout.write(f"[{elapsed:6.1f}s] {message}")

        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.demo":
                    continue
                raise
            self.stdout.write(f"{config.verbose_name}:")
            module.build(scale=scale, log=log)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))
