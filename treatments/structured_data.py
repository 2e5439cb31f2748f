"""schema.org JSON-LD for search engines: MedicalWebPage about a MedicalTherapy."""

import json

from django.utils.safestring import mark_safe

# As django.utils.html.json_script: JSON that cannot close its <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def _medical_page(request, name, description, language):
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": name,
        "description": description,
        "url": request.build_absolute_uri(request.path),
        "inLanguage": language,
        "audience": "https://schema.org/Patient",
        "publisher": {"@type": "Organization", "name": "Hémato-Info"},
    }


def _with_review(data, page):
    """The medical review, only when a reviewer signed one (never a claimed one)."""
    if review := page.review:
        data["lastReviewed"] = review.reviewed_on.isoformat()
        data["reviewedBy"] = {
            "@type": "Person", "name": review.name, "jobTitle": review.qualification,
        }  # fmt: skip
    return data


def therapy_page(request, therapy, name, language):
    data = _medical_page(request, name, therapy.summary, language)
    data["about"] = {
        "@type": "MedicalTherapy",
        "name": therapy.name,
        "url": request.build_absolute_uri(therapy.get_absolute_url()),
    }
    return json_ld(_with_review(data, therapy))


def side_effect_page(request, side_effect, rows, language):
    data = _medical_page(request, side_effect.name, side_effect.summary, language)
    data["about"] = {"@type": "MedicalSignOrSymptom", "name": side_effect.name}
    data["mentions"] = [
        {
            "@type": "MedicalTherapy",
            "name": row.therapy.name,
            "url": request.build_absolute_uri(row.therapy.get_absolute_url()),
        }
        for row in rows
    ]
    return json_ld(_with_review(data, side_effect))


def organization(service):
    """The service as schema.org knows a hospital department: MedicalOrganization."""
    data = {"@context": "https://schema.org", "@type": "MedicalOrganization", "name": service.name}
    if service.address:
        data["address"] = service.address
    if service.ward_phone:
        data["telephone"] = service.ward_phone
    points = [
        {"@type": "ContactPoint", "name": str(label), "telephone": number}
        for label, number, _tel, _when in service.phones
    ]
    if points:
        data["contactPoint"] = points
    return json_ld(data)
