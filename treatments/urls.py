from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "treatments"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # Translators: URL segment of the treatments pages; lower-case ASCII, no spaces.
    path(_("treatments/"), views.TherapyListView.as_view(), name="therapy-list"),
    path(_("treatments/<slug:slug>/"), views.TherapyDetailView.as_view(), name="therapy"),
    path(
        _("treatments/<slug:slug>/side-effects/"),
        views.TherapySideEffectsView.as_view(),
        name="therapy-side-effects",
    ),
    # Translators: URL segment of a treatment's one-page sheet; lower-case ASCII, no spaces.
    path(
        _("treatments/<slug:slug>/sheet/"), views.TherapySheetView.as_view(), name="therapy-sheet"
    ),
    # Translators: URL segment of the side-effect pages; lower-case ASCII, no spaces.
    path(_("side-effects/"), views.SideEffectListView.as_view(), name="side-effect-list"),
    path(_("side-effects/<slug:slug>/"), views.SideEffectDetailView.as_view(), name="side-effect"),
    # Translators: URL segment of the disease pages; lower-case ASCII, no spaces.
    path(_("diseases/"), views.DiseaseListView.as_view(), name="disease-list"),
    path(_("diseases/<slug:slug>/"), views.DiseaseDetailView.as_view(), name="disease"),
    # Translators: URL segment of the glossary; lower-case ASCII, no spaces.
    path(_("glossary/"), views.GlossaryView.as_view(), name="glossary"),
    # Translators: URL segment of the page "I have a symptom: what do I do?"; lower-case ASCII.
    path(_("what-to-do/"), views.WhatToDoView.as_view(), name="what-to-do"),
    # Translators: URL segment of the search page; lower-case ASCII, no spaces.
    path(_("search/"), views.SearchView.as_view(), name="search"),
    # Translators: URL segment of the contact page; lower-case ASCII, no spaces.
    path(_("contact/"), views.ContactView.as_view(), name="contact"),
    # Last: an article's own address (/fr/essais-cliniques/); anything else is its 404.
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
]
