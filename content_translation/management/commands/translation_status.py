import json

from django.core.management.base import BaseCommand

from content_translation.status import translation_status


class Command(BaseCommand):
    help = (
        "Reports, per language, the interface strings translated, fuzzy and missing, "
        "and each content field that is missing, incomplete or outdated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, format, **options):
        report = translation_status()
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Interface strings (msgids in '{report['interface_source_language']}')")
        for catalogue in report["interface"]:
            shares = catalogue["percentages"]
            self.stdout.write(
                f"  {catalogue['language']}: {catalogue['total']} entries, "
                f"{shares['translated']}% translated, {shares['fuzzy']}% fuzzy, "
                f"{shares['missing']}% missing ({catalogue['path']})"
            )
            for state in ("fuzzy", "missing"):
                for msgid in catalogue[state]:
                    self.stdout.write(f"    {state}: {msgid}")
        self.stdout.write(f"Content (written in '{report['content_source_language']}')")
        for content in report["content"]:
            self.stdout.write(
                f"  {content['language']}: {content['fields']} fields, "
                f"{content['missing']} missing, {content['incomplete']} incomplete, "
                f"{content['outdated']} outdated"
            )
            for problem in content["problems"]:
                detail = (
                    f" ({problem['affected']} of {problem['segments']} segments)"
                    if problem["state"] != "missing"
                    else ""
                )
                self.stdout.write(
                    f"    {problem['state']}: {problem['id']} — {problem['label']}{detail}"
                )
