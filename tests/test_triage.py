"""The triage table (content/symptoms/): one tier per symptom, loaded, exported,
reviewed like every page, and the rules the loader keeps."""

import re
from io import StringIO

import polib
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from treatments import publishing
from treatments.models import SideEffect, Status, Symptom, Therapy
from treatments.roles import EDITORS

from .builders import make_reviewer
from .test_admin_workflow import change_url, form_data, publish_url, staff
from .test_hostile_content import edit, refused, small  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


# --- The loader --------------------------------------------------------------------------------


def test_a_context_may_not_lower_a_symptoms_tier(small):  # noqa: F811
    edit(small / "symptoms/fever/symptom.yaml", "    tier: call-now", "    tier: call-today")
    assert refused(small, "--check") == [
        "content/symptoms/fever/symptom.yaml, line 6, field 'contexts[0].tier': 'call-today' is "
        "less urgent than the symptom's tier 'call-now': a treatment may raise a symptom's tier, "
        "never lower it"
    ]


def test_a_context_may_raise_a_symptoms_tier(small):  # noqa: F811
    edit(small / "symptoms/fever/symptom.yaml", "    tier: call-now", "    tier: emergency")
    out = StringIO()
    call_command("load_content", "--path", str(small), "--check", stdout=out)
    assert "Content is valid" in out.getvalue()


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "symptoms/fever/symptom.yaml",
            "- therapy: car-t",
            "- therapy: nowhere",
            "content/symptoms/fever/symptom.yaml, line 5, field 'contexts[0].therapy': "
            "'nowhere' is not a known treatment",
        ),
        (
            "symptoms/fever/symptom.yaml",
            "order: 1\n",
            "order: 1\non_every_page: yes please\n",
            "content/symptoms/fever/symptom.yaml, line 3, field 'on_every_page': 'yes please' "
            "must be true or false",
        ),
        (
            "symptoms/fever/symptom.yaml",
            "tier: call-now\norder",
            "tier: soon\norder",
            "content/symptoms/fever/symptom.yaml, line 1, field 'tier': 'soon' is not one of: "
            "emergency, call-now, call-today, next-visit",
        ),
        (
            "symptoms/fever/symptom.yaml",
            "sources: [one]",
            "sources: []",
            "content/symptoms/fever/symptom.yaml, line 3, field 'sources': at least one source "
            "must set this tier",
        ),
        (
            "symptoms/fever/en.md",
            "what_to_do: Call now.\n",
            "",
            "content/symptoms/fever/en.md, field 'what_to_do': is required and must not be empty",
        ),
        (
            "symptoms/fever/fr.md",
            "  car-t:\n    note: Call the centre.\n",
            "  car-t: {}\n  chemotherapy:\n    note: Call.\n",
            "content/symptoms/fever/fr.md, line 7, field 'contexts.chemotherapy': 'chemotherapy' "
            "is not listed in symptom.yaml",
        ),
    ],
)
def test_a_wrong_symptom_is_refused_with_its_file_line_and_field(small, file, old, new, message):  # noqa: F811
    edit(small / file, old, new)
    assert message in refused(small, "--check")


def test_the_export_writes_the_table_back_as_it_was_read(tmp_path):
    call_command("export_content", "--path", str(tmp_path), stdout=StringIO())
    from django.conf import settings

    for name in ("symptom.yaml", "fr.md", "en.md"):
        exported = (tmp_path / "symptoms/fever" / name).read_text(encoding="utf-8")
        assert exported == (settings.CONTENT_DIR / "symptoms/fever" / name).read_text("utf-8")
    out = StringIO()
    call_command("load_content", "--path", str(tmp_path), stdout=out)
    assert "Content already up to date" in out.getvalue()
    table = len(list((settings.CONTENT_DIR / "symptoms").glob("*/symptom.yaml")))
    assert f"{table} symptoms in the triage table" in out.getvalue()


def test_the_table_loaded_holds_its_tiers_sources_and_contexts():
    fever = Symptom.objects.published().get(key="fever")
    assert fever.tier == "call-now" and fever.name_fr == "Fièvre de 38 °C ou plus"
    assert fever.sources.filter(key="ukons-24-hour-triage").exists()
    rash = Symptom.objects.published().get(key="new-rash")
    assert rash.tier == "call-today"
    assert rash.contexts.get(therapy_key="allograft").tier == "call-now"
    suicidal = Symptom.objects.published().get(key="suicidal-thoughts")
    for text in (suicidal.what_to_do_fr, suicidal.what_to_do_en):
        assert "3114" in text and "15" in text and "112" in text


# --- The admin: the same review rules ----------------------------------------------------------


def test_an_editors_change_to_a_symptom_waits_for_a_reviewer(client):
    fever = Symptom.objects.working().get(key="fever")
    staff(client, EDITORS, "editor")
    data = form_data(client, fever, what_to_do_en="Zebracell advice nobody has reviewed.")
    response = client.post(change_url(fever), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    fever.refresh_from_db()
    assert fever.status == Status.IN_REVIEW
    live = Symptom.objects.published().get(key="fever")
    assert "Zebracell" not in live.what_to_do_en  # patients keep the published version
    assert client.post(publish_url(fever)).status_code == 403  # an editor cannot publish
    client.logout()
    client.force_login(make_reviewer())
    review = client.get(publish_url(fever)).content.decode()
    assert "<ins>" in review and "Zebracell" in review
    assert client.post(publish_url(fever)).status_code == 302
    assert "Zebracell" in Symptom.objects.published().get(key="fever").what_to_do_en


def test_the_admin_refuses_a_context_that_lowers_the_tier(client):
    fever = Symptom.objects.working().get(key="fever")
    staff(client, EDITORS, "editor")
    data = form_data(client, fever, **{"contexts-0-tier": "next-visit"})
    response = client.post(change_url(fever), data)
    assert response.status_code == 200
    assert "A treatment may only raise a symptom" in response.content.decode()
    assert User.objects.filter(username="editor").exists()
    assert fever.contexts.get(order=0).tier == "call-now"


# --- Translation through a PO file -------------------------------------------------------------


def test_the_table_is_translated_through_the_content_po_file(tmp_path):
    path = tmp_path / "en.po"
    call_command("export_content_po", "en", path=path, stdout=StringIO())
    po = polib.pofile(str(path))
    entries = {entry.msgctxt: entry for entry in po}
    assert entries["symptom:fever:name"].msgstr == "Fever of 38 °C or more"
    assert entries["symptom-context:fever/car-t:note"].msgstr.startswith("In the first weeks")
    entries["symptom:fever:name"].msgstr = "A temperature of 38 °C or more"
    po.save(str(path))
    call_command("import_content_po", "en", path=path, stdout=StringIO())
    fever = Symptom.objects.working().get(key="fever")
    assert fever.name_en == "A temperature of 38 °C or more"
    assert fever.status == Status.IN_REVIEW  # a reviewer publishes it
    assert Symptom.objects.published().get(key="fever").name_en == "Fever of 38 °C or more"


# --- Pages refer to the table, and no row under-rates a symptom ---------------------------------


def test_a_row_may_not_give_a_side_effect_a_lower_tier_than_its_symptom(small):  # noqa: F811
    edit(small / "side-effects/fatigue/side-effect.yaml", None, "symptom: fever\n")
    assert refused(small, "--check")[0] == (
        "content/therapies/car-t/therapy.yaml, line 10, field 'side_effects[0].action': "
        "'next-visit' is less urgent than the triage table's 'call-now' for 'fever', the "
        "symptom of 'fatigue': a row may not give it a lower tier"
    )


def test_a_treatment_context_raises_what_its_rows_must_say(small):  # noqa: F811
    fever = small / "symptoms/fever/symptom.yaml"
    edit(fever, "tier: call-now\norder", "tier: next-visit\norder")
    edit(small / "side-effects/fatigue/side-effect.yaml", None, "symptom: fever\n")
    # The table says next-visit, but car-t's context says call-now: its row must follow.
    assert "'next-visit' is less urgent than the triage table's 'call-now'" in "".join(
        refused(small, "--check")
    )
    edit(fever, "    tier: call-now", "    tier: next-visit")
    out = StringIO()
    call_command("load_content", "--path", str(small), "--check", stdout=out)
    assert "Content is valid" in out.getvalue()


def test_a_warning_sign_must_be_in_the_table(small):  # noqa: F811
    edit(small / "side-effects/fatigue/side-effect.yaml", None, "warning_signs: [nowhere]\n")
    assert refused(small, "--check")[0] == (
        "content/side-effects/fatigue/side-effect.yaml, line 2, field 'warning_signs[0]': "
        "'nowhere' is not a known symptom"
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (
            "/fr/effets-indesirables/risque-d-infection/",
            ["Quand appeler", "Fièvre de 38 °C ou plus"],
        ),
        ("/en/side-effects/risk-of-infection/", ["When to call", "Fever of 38 °C or more"]),
    ],
)
def test_a_side_effect_page_draws_its_warning_signs_from_the_table(client, url, words):
    html = client.get(url).content.decode().replace("\u00a0", " ")
    for word in words:
        assert word in html
    assert html.count('<li class="sign">') == 8  # infection-risk's warning_signs


def guide_row(client, url, key):
    html = client.get(url).content.decode()
    return html.split(f'id="page-effect-{key}"')[1].split('class="effect effect--')[0]


def test_a_guide_row_shows_the_treatments_context(client):
    row = guide_row(client, "/en/treatments/car-t-cell-therapy/side-effects/", "infection-risk")
    assert "Fever of 38 °C or more" in row and "cytokine release syndrome" in row
    row = guide_row(client, "/en/treatments/chemotherapy/side-effects/", "infection-risk")
    assert "Fever of 38 °C or more" in row and "cytokine release syndrome" not in row


def test_the_admin_refuses_a_row_that_under_rates_its_side_effect(client):
    therapy = Therapy.objects.working().get(key="chemotherapy")
    staff(client, EDITORS, "editor")
    data = form_data(client, therapy)
    rows = {
        data[f"side_effects-{index}-side_effect"]: index
        for index in range(int(data["side_effects-TOTAL_FORMS"]))
    }
    diarrhoea = SideEffect.objects.working().get(key="diarrhoea")
    data[f"side_effects-{rows[str(diarrhoea.pk)]}-action"] = "call-today"
    response = client.post(change_url(therapy), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The triage table says “Call your care team now, day or night” for “Diarrhoea”" in html
    assert therapy.side_effects.get(side_effect=diarrhoea).action == "call-now"


# --- The warning box of every page: the table's entries marked on_every_page --------------------

BOX = re.compile(r'<aside class="urgent".*?</aside>', re.S)
BOX_TIERS = {
    "fr": {
        "Appelez le 15 ou le 112 maintenant": ["Grande difficulté à respirer", "Douleur"],
        "Appelez l’équipe soignante tout de suite": ["Fièvre de 38", "Frissons", "Confusion"],
    },
    "en": {
        "Call 15 or 112 now": ["Great difficulty breathing", "Chest pain", "Heavy bleeding"],
        "Call your care team now, day or night": ["Fever of 38", "Shivering", "Confusion"],
    },
}
EVERY_PAGE = {
    "fr": ["/fr/", "/fr/traitements/cellules-car-t/", "/fr/effets-indesirables/", "/fr/x/y/"],
    "en": ["/en/", "/en/treatments/car-t-cell-therapy/", "/en/side-effects/", "/en/x/y/"],
}


def warning_box(client, url):
    return BOX.search(client.get(url).content.decode()).group()


def test_the_box_on_every_page_lists_the_tables_signs_by_tier(client, language):
    for url in EVERY_PAGE[language]:
        box = warning_box(client, url)
        tiers = BOX_TIERS[language]
        positions = [box.index(tier) for tier in tiers]
        assert positions == sorted(positions), url  # the most urgent tier first
        ends = [*positions[1:], len(box)]
        for start, end, names in zip(positions, ends, tiers.values(), strict=True):
            for name in names:
                assert name in box[start:end], (url, name)  # under its own tier
        assert ("Diarrhée", "Diarrhoea")[language == "en"] not in box  # not marked: not listed


def test_a_published_change_to_the_table_changes_the_box_on_every_page(client):
    fever = Symptom.objects.working().get(key="fever")
    fever.name_en = "A temperature of 38 °C or above"
    fever.save()
    rash = Symptom.objects.working().get(key="new-rash")
    rash.on_every_page = True
    rash.save()
    box = warning_box(client, "/en/")
    assert "Fever of 38 °C or more" in box and "A new rash" not in box  # not yet reviewed
    publishing.publish(fever)
    publishing.publish(rash)
    for url in EVERY_PAGE["en"]:
        box = warning_box(client, url)
        assert "A temperature of 38 °C or above" in box and "Fever of 38" not in box, url
        assert "A new rash" in box  # under its own tier: call today
        assert box.index("Call your care team today") < box.index("A new rash")


def test_a_published_change_to_the_table_reaches_the_guides_and_side_effect_pages_at_once(
    client,
):
    """Pages keep the published table once per content version: a publish is seen at the
    next request, and a change not yet reviewed is not."""
    guide = "/en/treatments/car-t-cell-therapy/side-effects/"
    page = "/en/side-effects/risk-of-infection/"
    assert "Fever of 38 °C or more" in guide_row(client, guide, "infection-risk")
    fever = Symptom.objects.working().get(key="fever")
    fever.name_en = "A raised temperature"
    fever.save()
    assert "A raised temperature" not in client.get(page).content.decode()  # not yet reviewed
    publishing.publish(fever)
    row = guide_row(client, guide, "infection-risk")
    assert "A raised temperature" in row and "Fever of 38" not in row
    html = client.get(page).content.decode()
    assert "A raised temperature" in html and "Fever of 38" not in html


def test_without_the_table_the_box_still_says_whom_to_call(client, language):
    Symptom.objects.update(on_every_page=False)
    box = warning_box(client, f"/{language}/")
    assert {
        "fr": "appelez tout de suite l’équipe soignante, de jour comme de nuit. En cas d’urgence "
        "vitale, appelez le 15 ou le 112.",
        "en": "call your care team at once, day or night. In an emergency, call 15 or 112.",
    }[language] in box


# --- The admin keeps the table and the treatments' rows in step ---------------------------------


def refused_in_admin(client, obj, field, **changes):
    """Posts the change form; returns the errors of `field`, in the form or in its
    inline rows (the object is unchanged)."""
    response = client.post(change_url(obj), form_data(client, obj, **changes))
    assert response.status_code == 200, "the change was saved"
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.extend(inline.formset.forms)
    return " ".join(message for form in forms for message in form.errors.get(field, []))


def test_raising_a_symptoms_tier_above_the_rows_that_use_it_is_refused(client):
    staff(client, EDITORS, "editor")
    tiredness = Symptom.objects.working().get(key="tiredness")
    message = refused_in_admin(client, tiredness, "tier", tier="call-today")
    assert "would give the symptom a lower tier than the triage table: raise them first" in message
    assert "Chemotherapy — Fatigue (tiredness) (“Mention it at your next visit”)" in message
    tiredness.refresh_from_db()
    assert tiredness.tier == "next-visit"


def test_raising_a_treatments_context_above_its_rows_is_refused(client):
    staff(client, EDITORS, "editor")
    rash = Symptom.objects.working().get(key="new-rash")
    index = [c.therapy_key for c in rash.contexts.all()].index("allograft")
    message = refused_in_admin(client, rash, "tier", **{f"contexts-{index}-tier": "emergency"})
    assert "raise them first" in message
    assert (
        "Allogeneic stem cell transplant (allograft) — Acute graft-versus-host disease" in message
    )
    assert rash.contexts.get(therapy_key="allograft").tier == "call-now"


def test_a_side_effects_symptom_must_be_in_the_table_and_not_under_rated(client):
    staff(client, EDITORS, "editor")
    fatigue = SideEffect.objects.working().get(key="fatigue")
    message = refused_in_admin(client, fatigue, "symptom_key", symptom_key="nowhere")
    assert message == "No symptom of the triage table has this key."
    message = refused_in_admin(client, fatigue, "symptom_key", symptom_key="fever")
    assert (
        "raise them first" in message
        and "— Fatigue (tiredness) (“Mention it at your next visit”)" in message
    )
    fatigue.refresh_from_db()
    assert fatigue.symptom_key == "tiredness"


def test_a_tier_change_that_keeps_the_rows_in_step_is_saved(client):
    tiredness = Symptom.objects.working().get(key="tiredness")
    staff(client, EDITORS, "editor")
    data = form_data(client, tiredness, what_to_do_en="Mention it at your next visit.")
    assert client.post(change_url(tiredness), data).status_code == 302
    fatigue = SideEffect.objects.working().get(key="fatigue")
    data = form_data(client, fatigue, symptom_key="tiredness")
    assert client.post(change_url(fatigue), data).status_code == 302
