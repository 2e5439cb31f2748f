from django.db.models import F, Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from .models import Family, Therapy, TherapySideEffect


class TranslatedObjectMixin:
    """Puts the page's object in the context as `translated_object`, for the
    language switcher and hreflang links, and says in which language its text
    is shown (`content_language`: French where the translation is missing)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["translated_object"] = self.object
        context["content_language"] = self.object.display_language()
        return context


def therapies_by_family(therapies):
    """[(family label, [therapies])] in the order of the Family choices."""
    groups = {family: [] for family in Family}
    for therapy in therapies:
        groups[Family(therapy.family)].append(therapy)
    return [(family, members) for family, members in groups.items() if members]


class HomeView(TemplateView):
    template_name = "treatments/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["families"] = therapies_by_family(Therapy.objects.published())
        return context


class TherapyListView(HomeView):
    template_name = "treatments/therapy_list.html"


class TherapyDetailView(TranslatedObjectMixin, DetailView):
    template_name = "treatments/therapy_detail.html"
    context_object_name = "therapy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [(reverse("treatments:therapy-list"), _("All treatments"))]
        return context

    def get_object(self, queryset=None):
        own_slug = F(f"slug_{get_language()}")
        therapy = (
            Therapy.objects.published()
            .with_slug(self.kwargs["slug"])
            .order_by(own_slug.asc(nulls_last=True))
            .prefetch_related(
                "steps",
                "sources",
                Prefetch(
                    "side_effects",
                    queryset=TherapySideEffect.objects.select_related("side_effect"),
                ),
                Prefetch("related", queryset=Therapy.objects.published()),
            )
            .first()
        )
        if therapy is None:
            raise Http404("No published treatment has this address.")
        return therapy
