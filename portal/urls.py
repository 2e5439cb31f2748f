from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from treatments.sitemaps import SITEMAPS
from treatments.views import figure_file

from . import views

handler400 = views.bad_request

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Figures' images, named by their hash (treatments/figures.py).
    path("figures/<str:name>", figure_file, name="figure-file"),
]
urlpatterns += i18n_patterns(
    # Before treatments.urls, whose last address (an article's slug) would take "feedback/".
    path("", include("feedback.urls")),
    path("", include("treatments.urls")),
)
