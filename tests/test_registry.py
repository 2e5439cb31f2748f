"""One list of content models (treatments.models.REVIEWED_MODELS and their rows):
everything that needs the list derives it from there, so none can be forgotten."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from treatments import publishing
from treatments.models import REVIEWED_MODELS, CareService, Status, content_models
from treatments.roles import EDITORS, REVIEWERS

from .builders import make_therapy

# Models of the app that are not content: bookkeeping, search index, reviewers' details.
NOT_CONTENT = {
    "contentchange", "figurefile", "importrecord", "searchdocument", "searchword", "staffprofile",
}  # fmt: skip


def concrete_models():
    return [
        model
        for model in apps.get_app_config("treatments").get_models()
        if not model.__name__.startswith("Historical")
    ]


def test_every_concrete_model_is_content_or_named_as_not_content():
    registered = set(content_models())
    for model in concrete_models():
        name = model._meta.model_name
        assert model in registered or name in NOT_CONTENT, f"{name} is missing from the registry"


def test_every_content_model_has_history():
    for model in content_models():
        assert hasattr(model, "history"), model


@pytest.mark.django_db
def test_every_content_model_can_be_edited_and_only_reviewers_publish():
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    reviewers = set(
        Group.objects.get(name=REVIEWERS).permissions.values_list("codename", flat=True)
    )
    for model in content_models():
        assert f"change_{model._meta.model_name}" in editors
    for model in REVIEWED_MODELS:
        # Deleting a page takes it off the site: a reviewer's decision.
        assert f"delete_{model._meta.model_name}" in reviewers - editors
    assert "publish" in reviewers - editors


@pytest.mark.django_db
def test_the_test_content_holds_every_kind():
    # The portal ships no service's numbers: the hospital sets its own (test_care_service).
    for model in set(content_models()) - {CareService}:
        assert model.objects.exists(), f"no {model._meta.model_name} in the test content"


@pytest.mark.django_db
@pytest.mark.parametrize("relation", ["steps", "side_effects"])
def test_a_changed_row_puts_its_published_page_in_review(relation):
    therapy = make_therapy(steps=1, side_effects=1)
    assert therapy.status == Status.PUBLISHED
    publishing.changed(getattr(therapy, relation).get())
    therapy.refresh_from_db()
    assert therapy.status == Status.IN_REVIEW
    assert publishing.page_of(therapy) is therapy


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_kind_with_an_address_is_in_the_sitemap_and_the_search(client, language):
    """A new kind of page (a Slug in its file format) cannot be left out of sitemap.xml or
    of the search by forgetting a list: each published object with a page of its own is in
    the sitemap; every such kind, and the glossary's entries, are searched."""
    from django.utils.translation import override

    from treatments.content.formats import FORMATS, Slug
    from treatments.search import KINDS

    sitemap = client.get("/sitemap.xml").content.decode()
    searched = {model for model, _label in KINDS.values()}
    with_address = [
        model
        for model, kind in FORMATS.items()
        if any(isinstance(field, Slug) for field in (*kind.meta, *kind.texts))
    ]
    assert len(with_address) >= 5
    for model in with_address:
        assert model in searched, f"{model.__name__} is not searched (treatments/search.py)"
        with override(language):
            for page in model.objects.published():
                url = page.get_absolute_url()
                if "#" not in url:  # a page of its own, not an entry of a page
                    assert f"<loc>http://testserver{url}</loc>" in sitemap, url
