from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "treatments"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # Translators: URL segment of the treatments pages; lower-case ASCII, no spaces.
    path(_("treatments/"), views.TherapyListView.as_view(), name="therapy-list"),
    path(_("treatments/<slug:slug>/"), views.TherapyDetailView.as_view(), name="therapy"),
]
