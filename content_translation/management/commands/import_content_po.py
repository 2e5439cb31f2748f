from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content_translation.po import PoErrors, check_language, default_path, import_po


class Command(BaseCommand):
    help = (
        "Checks a content PO file against the current content, then writes its "
        "translations (not the fuzzy ones) into the fields of that language, in one "
        "transaction. A file with any problem writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("language", help="the language translated into, e.g. en")
        parser.add_argument("--path", type=Path, help="read this file instead of locale/")

    def handle(self, *args, language, path, **options):
        try:
            check_language(language)
        except ValueError as error:
            raise CommandError(error) from None
        path = path or default_path(language)
        try:
            report = import_po(path, language)
        except PoErrors as errors:
            count = len(errors.problems)
            raise CommandError(
                f"{count} problem{'s' if count > 1 else ''} in {path}; nothing was written.\n"
                f"{errors}"
            ) from None
        for field_id in report.fields_updated:
            self.stdout.write(f"updated: {field_id}")
        for field_id, missing in report.fields_kept:
            self.stdout.write(
                f"kept as it is: {field_id} ({missing} segment{'s' if missing > 1 else ''} "
                "without a translation)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {len(report.fields_updated)} fields updated in "
                f"{report.objects_saved} objects, {report.stored} translations remembered."
            )
        )
