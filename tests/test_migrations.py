"""The migrations describe the models exactly: a fresh migrate gives the schema
the models declare (migrations 0001-0009 were squashed into one)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_versions_migration_keeps_every_page_online_and_its_rows():
    """A database from before working and live versions: every published page
    gets a live copy with its rows and links; drafts stay off the site."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("flush", "--no-input")
    before = [("treatments", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    source = old.get_model("treatments", "Source").objects.create(
        key="s", title="T", publisher="P", url="https://example.org/", language="fr"
    )
    effect = old.get_model("treatments", "SideEffect").objects.create(
        key="e", status="published", name_fr="Effet", slug_fr="effet", reviewed_by="Hémato-Info"
    )
    therapy = old.get_model("treatments", "Therapy").objects.create(
        key="t",
        status="published",
        name_fr="Traitement",
        slug_fr="traitement",
        family="conventional",
    )
    therapy.sources.add(source)
    old.get_model("treatments", "TreatmentStep").objects.create(
        therapy=therapy, key="a", title_fr="A"
    )
    old.get_model("treatments", "TherapySideEffect").objects.create(
        therapy=therapy,
        side_effect=effect,
        frequency="common",
        onset="first-days",
        action="call-now",
    )
    old.get_model("treatments", "Therapy").objects.create(
        key="d", status="draft", name_fr="Brouillon", slug_fr="brouillon", family="conventional"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from treatments.models import Source, Therapy

    live = Therapy.objects.published().get(key="t")
    assert live.name_fr == "Traitement" and live.review is None
    assert [step.key for step in live.steps.all()] == ["a"]
    assert live.side_effects.get().side_effect.is_live
    assert Therapy.objects.working().get(key="t").live_version == live
    assert not Therapy.objects.published().filter(key="d").exists()
    # Sources were not reviewed before: they are taken as published, as the site showed them.
    assert [s.key for s in live.sources.all()] == [s.key for s in Source.objects.published()]
