"""sitemap.xml: every published page in both languages, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Disease, SideEffect, Therapy


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = False  # an unprefixed address only redirects by the browser's language


class PagesSitemap(PortalSitemap):
    def items(self):
        return [
            "treatments:home",
            "treatments:therapy-list",
            "treatments:side-effect-list",
            "treatments:disease-list",
            "treatments:glossary",
            "treatments:contact",
            "treatments:what-to-do",
        ]

    def location(self, item):
        return reverse(item)


class TherapySitemap(PortalSitemap):
    def items(self):
        return Therapy.objects.published()

    def lastmod(self, therapy):
        return therapy.updated_at


class SideEffectsGuideSitemap(TherapySitemap):
    def location(self, therapy):
        return therapy.get_side_effects_url()


class SheetSitemap(TherapySitemap):
    def location(self, therapy):
        return therapy.get_sheet_url()


class SideEffectSitemap(PortalSitemap):
    def items(self):
        return SideEffect.objects.published()

    def lastmod(self, side_effect):
        return side_effect.updated_at


class DiseaseSitemap(PortalSitemap):
    def items(self):
        return Disease.objects.published()

    def lastmod(self, disease):
        return disease.updated_at


class ArticleSitemap(PortalSitemap):
    def items(self):
        return Article.objects.published()

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "treatments": TherapySitemap,
    "guides": SideEffectsGuideSitemap,
    "sheets": SheetSitemap,
    "side-effects": SideEffectSitemap,
    "diseases": DiseaseSitemap,
    "articles": ArticleSitemap,
}
