"""What every page about an object gets from the views' one mixin, without writing it."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.utils.translation import override

from treatments.models import Disease, Therapy
from treatments.views import DiseaseDetailView

from .builders import make_therapy

pytestmark = pytest.mark.django_db


class DiseaseSheetView(DiseaseDetailView):
    """A new page about a disease that says nothing about languages."""


urlpatterns = i18n_patterns(
    path("", include("feedback.urls")),
    path("", include("treatments.urls")),
    path("sheet/<slug:slug>/", DiseaseSheetView.as_view(), name="disease-sheet"),
)


@pytest.mark.urls(__name__)
def test_a_new_page_about_an_object_switches_to_its_own_slug(client):
    disease = Disease.objects.published().get(key="multiple-myeloma")
    assert disease.slug_fr != disease.slug_en
    html = client.get(f"/fr/sheet/{disease.slug_fr}/").content.decode()
    assert f'<a href="/en/sheet/{disease.slug_en}/" hreflang="en" lang="en">' in html
    assert f'hreflang="en" href="http://testserver/en/sheet/{disease.slug_en}/"' in html
    # Its address is found by the slug of the language it is asked in.
    assert client.get(f"/en/sheet/{disease.slug_fr}/").status_code == 404


def test_a_preview_switches_to_the_preview_in_the_other_language(admin_client):
    draft = make_therapy(key="draft-switch")
    html = admin_client.get(f"/admin/treatments/therapy/{draft.pk}/preview/fr/").content.decode()
    english = f"/admin/treatments/therapy/{draft.pk}/preview/en/"
    assert f'<a href="{english}" hreflang="en" lang="en">English</a>' in html
    html = admin_client.get(english).content.decode()
    french = f"/admin/treatments/therapy/{draft.pk}/preview/fr/"
    assert f'<a href="{french}" hreflang="fr" lang="fr">Français</a>' in html


def test_a_preview_shows_the_working_version_where_the_page_shows_the_live_one(
    client, admin_client
):
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "A summary nobody has reviewed yet."
    therapy.save()
    with override("en"):
        public = client.get(therapy.get_absolute_url()).content.decode()
    preview = admin_client.get(f"/admin/treatments/therapy/{therapy.pk}/preview/en/")
    assert "A summary nobody has reviewed yet." not in public
    assert "A summary nobody has reviewed yet." in preview.content.decode()
