from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content_translation.po import check_language, default_path, export_po


class Command(BaseCommand):
    help = (
        "Writes the content's translatable segments (French msgid, current translation "
        "as msgstr, fuzzy where the French changed since) to locale/<language>/"
        "LC_MESSAGES/content.po."
    )

    def add_arguments(self, parser):
        parser.add_argument("language", help="the language translated into, e.g. en")
        parser.add_argument("--path", type=Path, help="write here instead of locale/")

    def handle(self, *args, language, path, **options):
        try:
            check_language(language)
        except ValueError as error:
            raise CommandError(error) from None
        path = path or default_path(language)
        po = export_po(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
        fuzzy = len(po.fuzzy_entries())
        untranslated = len(po.untranslated_entries())
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {len(po)} entries, {len(po) - fuzzy - untranslated} translated, "
                f"{fuzzy} fuzzy, {untranslated} untranslated."
            )
        )
