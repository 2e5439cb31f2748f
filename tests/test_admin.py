"""The admin works offline: French and English side by side, nothing from a CDN."""

import pytest
from django.contrib.auth.models import User

from treatments.models import Therapy

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "x"))
    return client


def test_treatment_change_form_has_both_languages_and_local_scripts(staff_client):
    therapy = Therapy.objects.working().get(key="car-t")
    response = staff_client.get(f"/admin/treatments/therapy/{therapy.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="name_fr"' in html and 'name="name_en"' in html
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html and "//ajax." not in html
