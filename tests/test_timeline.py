"""Each treatment's steps at a glance: where and how long, from the step data,
an ordered list whose items lead to the steps they sum up."""

import re

import pytest
from django.utils.translation import override

from treatments.content import ContentErrors, read_content
from treatments.models import Therapy

from .small_content import write_small_content

pytestmark = pytest.mark.django_db

WHERE = {
    "fr": {"clinic": "En consultation", "ward": "Hospitalisation", "home": "À domicile"},
    "en": {"clinic": "Clinic appointments", "ward": "In hospital", "home": "At home"},
}


def test_every_treatment_has_its_steps_at_a_glance(client, language):
    for therapy in Therapy.objects.published().prefetch_related("steps"):
        steps = list(therapy.steps.all())
        with override(language):
            html = client.get(therapy.get_absolute_url()).content.decode()
        timeline = re.search(r'<nav class="timeline[^"]*"(.*?)</nav>', html, re.S).group(1)
        items = re.findall(r'<li class="timeline__step.*?</li>', timeline, re.S)
        assert len(items) == len(steps), therapy.key
        for number, (item, step) in enumerate(zip(items, steps, strict=True), start=1):
            assert f'href="#page-step-{number}"' in item
            assert f'id="page-step-{number}"' in html
            assert step.setting, f"{therapy.key}/{step.key} has no place"
            if step.setting in WHERE[language]:
                assert f">{WHERE[language][step.setting]}</span>" in item


def test_the_car_t_path_reads_in_order_where_it_happens(client):
    html = client.get("/en/treatments/car-t-cell-therapy/").content.decode()
    timeline = re.search(r'<nav class="timeline[^"]*"(.*?)</nav>', html, re.S).group(1)
    places = re.findall(r'class="timeline__where">([^<]+)<', timeline)
    assert places == [
        "Clinic appointments", "Apheresis unit", "At home", "In hospital",
        "In hospital", "In hospital", "At home", "Clinic appointments",
    ]  # fmt: skip


def test_the_loader_refuses_a_place_it_does_not_know(tmp_path):
    write_small_content(tmp_path)
    path = tmp_path / "therapies/car-t/therapy.yaml"
    path.write_text(path.read_text().replace("steps: [infusion]", "steps:\n- infusion: garden"))
    with pytest.raises(ContentErrors) as error:
        read_content(tmp_path)
    assert (
        "therapies/car-t/therapy.yaml, line 6, field 'steps[0].infusion': 'garden' is not one of: "
        "clinic, apheresis, day-hospital, ward, radiotherapy, home"
    ) in str(error.value)
