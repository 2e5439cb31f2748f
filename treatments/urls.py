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
    # Translators: URL segment of the side-effect pages; lower-case ASCII, no spaces.
    path(_("side-effects/"), views.SideEffectListView.as_view(), name="side-effect-list"),
    path(_("side-effects/<slug:slug>/"), views.SideEffectDetailView.as_view(), name="side-effect"),
]
