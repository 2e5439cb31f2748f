from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from treatments.content import ContentErrors, read_content, write_content


class Command(BaseCommand):
    help = (
        "Checks every content file, then writes them all in one transaction. "
        "Objects are matched by key; only what changed is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.CONTENT_DIR, help="the content folder"
        )
        parser.add_argument(
            "--check", action="store_true", help="check the files without writing anything"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="save every object again, e.g. to render its Markdown with a new renderer",
        )

    def handle(self, *args, path, check, force, **options):
        try:
            content = read_content(path)
        except ContentErrors as errors:
            count = len(errors.problems)
            raise CommandError(
                f"{count} problem{'s' if count > 1 else ''} in the content files; "
                f"nothing was written.\n{errors}"
            ) from None
        summary = (
            f"{len(content.therapies)} treatments, {len(content.side_effects)} side effects, "
            f"{len(content.diseases)} diseases, {len(content.glossary)} glossary terms, "
            f"{len(content.sources)} sources"
        )
        if check:
            self.stdout.write(self.style.SUCCESS(f"Content is valid: {summary}."))
            return
        report = write_content(content, force=force)
        for line in report.lines():
            self.stdout.write(line)
        verdict = "Content loaded" if report.changed else "Content already up to date"
        self.stdout.write(self.style.SUCCESS(f"{verdict}: {summary}."))
