from django import forms
from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from partners.models import Event, Organization, Person

from .models import Article, Category, Tag

ARTICLES_PER_PAGE = 20


class ArticleFilterForm(forms.Form):
    """The news list's query string; values that do not validate are simply not applied."""

    year = forms.IntegerField(required=False, min_value=1900, max_value=2999)
    category = forms.SlugField(required=False)
    partner = forms.SlugField(required=False)
    tag = forms.SlugField(required=False)


def with_links(queryset):
    """An article page's related objects, each in one query whatever their number."""
    return queryset.select_related("category").prefetch_related(
        "tags",
        Prefetch("organizations", queryset=Organization.objects.order_by("slug")),
        Prefetch("people", queryset=Person.objects.order_by("slug")),
        Prefetch("events", queryset=Event.objects.order_by("start")),
    )


class ArticleListView(ListView):
    paginate_by = ARTICLES_PER_PAGE

    def get_queryset(self):
        form = ArticleFilterForm(self.request.GET)
        self.filters = form.cleaned_data if form.is_valid() else {}
        queryset = Article.objects.published().select_related("category")
        if year := self.filters.get("year"):
            queryset = queryset.filter(publish_at__year=year)
        if category := self.filters.get("category"):
            queryset = queryset.filter(category__slug=category)
        if partner := self.filters.get("partner"):
            queryset = queryset.filter(organizations__slug=partner)
        if tag := self.filters.get("tag"):
            queryset = queryset.filter(tags__slug=tag)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.filters
        context["active_category"] = (
            Category.objects.filter(slug=f["category"]).first() if f.get("category") else None
        )
        context["active_partner"] = (
            Organization.objects.filter(slug=f["partner"]).first() if f.get("partner") else None
        )
        context["active_tag"] = Tag.objects.filter(slug=f["tag"]).first() if f.get("tag") else None
        context["active_year"] = f.get("year")
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return with_links(Article.objects.published())
