from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from treatments.content import export_content


class Command(BaseCommand):
    help = (
        "Writes the content of the database to content/, in the format load_content reads, "
        "so that staff edits can be reviewed in git. Loading the export changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.CONTENT_DIR, help="the content folder"
        )

    def handle(self, *args, path, **options):
        written = export_content(path)
        self.stdout.write(self.style.SUCCESS(f"{len(written)} content files written to {path}."))
