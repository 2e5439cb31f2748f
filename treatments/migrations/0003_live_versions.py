"""Every published object gets its live version, a copy, so that nothing online
goes offline; the working version stays what staff edit. The old review dates
are dropped with the free-text reviewer: no staff account signed them."""

from django.db import migrations

REVIEWED = ["source", "glossaryterm", "sideeffect", "therapy", "disease", "synonymgroup"]
CHILDREN = {"therapy": [("treatmentstep", "therapy"), ("therapysideeffect", "therapy")]}
SKIPPED = {"id", "is_live", "live_version"}


def _copy(source, target):
    for field in type(source)._meta.concrete_fields:
        if field.name not in SKIPPED:
            setattr(target, field.attname, getattr(source, field.attname))


def create_live_versions(apps, schema_editor):
    live_of = {}  # (model name, working pk) -> live pk
    for name in REVIEWED:
        model = apps.get_model("treatments", name)
        model.objects.update(reviewed_on=None, next_review_due=None)
        if name in ("source", "synonymgroup"):  # no workflow before: what existed was online
            model.objects.update(status="published")
        for working in model.objects.filter(is_live=False, status="published"):
            live = model(is_live=True)
            _copy(working, live)
            live.save()
            working.live_version = live
            working.save(update_fields=["live_version"])
            live_of[name, working.pk] = live.pk
        for field in model._meta.local_many_to_many:
            target = field.related_model._meta.model_name
            for working_pk, live_pk in [(w, lv) for (n, w), lv in live_of.items() if n == name]:
                through = field.remote_field.through
                source_column = f"{name}_id"
                target_column = f"{target}_id"
                rows = through.objects.filter(**{source_column: working_pk})
                through.objects.bulk_create(
                    through(**{source_column: live_pk, target_column: live_of[target, t]})
                    for t in rows.values_list(target_column, flat=True)
                    if (target, t) in live_of
                )
        for child_name, parent in CHILDREN.get(name, []):
            child = apps.get_model("treatments", child_name)
            for row in child.objects.filter(**{f"{parent}__is_live": False}):
                if (name, getattr(row, f"{parent}_id")) not in live_of:
                    continue
                copy = child()
                _copy(row, copy)
                setattr(copy, f"{parent}_id", live_of[name, getattr(row, f"{parent}_id")])
                side_effect = getattr(row, "side_effect_id", None)
                if side_effect is not None:
                    if ("sideeffect", side_effect) not in live_of:
                        continue
                    copy.side_effect_id = live_of["sideeffect", side_effect]
                copy.save()


class Migration(migrations.Migration):
    dependencies = [("treatments", "0002_versions_and_reviewers")]

    operations = [migrations.RunPython(create_live_versions, migrations.RunPython.noop)]
