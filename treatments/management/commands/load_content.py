from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from treatments.content import ContentConflicts, ContentErrors, read_content, write_content
from treatments.models import REVIEWED_MODELS


class Command(BaseCommand):
    help = (
        "Checks every content file, then writes them all in one transaction, matching "
        "objects by key. Creates what is missing; updates the working version of what has "
        "not changed in the admin since its last import (a conflict otherwise: nothing is "
        "written). Never publishes a change to an existing page: a reviewer does, in the admin."
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
            help="overwrite working versions changed in the admin since the last import",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="take off the site the pages that no longer have files (they stay as drafts)",
        )
        parser.add_argument(
            "--initial",
            action="store_true",
            help="load only into an empty database (what `make run` and `make test` do)",
        )

    def handle(self, *args, path, check, force, prune, initial, **options):
        if initial and not check and any(m.objects.exists() for m in REVIEWED_MODELS):
            self.stdout.write(
                "The database already holds content: nothing loaded "
                "(run `manage.py load_content` to import changed files)."
            )
            return
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
            f"{len(content.sources)} sources, {len(content.figures)} figures, "
            f"{len(content.symptoms)} symptoms in the triage table"
        )
        if check:
            self.stdout.write(self.style.SUCCESS(f"Content is valid: {summary}."))
            return
        try:
            report = write_content(content, force=force, prune=prune)
        except ContentConflicts as conflicts:
            count = len(conflicts.conflicts)
            raise CommandError(
                f"{count} object{'s' if count > 1 else ''} changed both in the admin and in the "
                f"files; nothing was written (export_content shows the admin's version; "
                f"--force overwrites it).\n{conflicts}"
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.missing and not prune:
            self.stdout.write("(--prune takes the pages without files off the site)")
        verdict = "Content loaded" if report.changed else "Content already up to date"
        self.stdout.write(self.style.SUCCESS(f"{verdict}: {summary}."))
