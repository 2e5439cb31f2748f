"""manage.py bake --output DIR: the baked static copy of the public site (treatments/bake.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from treatments import bake


class Command(BaseCommand):
    help = (
        "Writes every public page of both languages, the static files and their compressed "
        "copies into a directory any web server can serve; only what changed is rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=settings.BAKE_OUTPUT,
            help="the directory of the copy (default: DJANGO_BAKE_OUTPUT)",
        )

    def handle(self, *args, output, verbosity, **options):
        if not output:
            raise CommandError("Name the directory of the copy: --output DIR.")
        try:
            report = bake.bake(output)
        except bake.BakeError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 2:
            for name in report.written:
                self.stdout.write(f"written  {name}")
            for name in report.removed:
                self.stdout.write(f"removed  {name}")
        if verbosity >= 1:
            self.stdout.write(
                f"{output}: {len(report.written)} files written, {len(report.removed)} removed, "
                f"{report.unchanged} unchanged."
            )
