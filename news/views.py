from django import forms
from django.db.models import Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from agreements.models import Agreement
from intloffice.core import provenance, structured_data
from intloffice.core.freshness import remember, uses
from intloffice.core.pages import DetailPage, PageMixin, home_crumb, shortened
from partners.models import Event, Organization, Person

from .models import Article, Category, Tag
from .pagination import NewestFirstPaginator

ARTICLES_PER_PAGE = 20
RELATED_ARTICLES = 3


class ArticleFilterForm(forms.Form):
    """The news list's query string; values that do not validate are simply not applied."""

    year = forms.IntegerField(required=False, min_value=1900, max_value=2999)
    category = forms.SlugField(required=False)
    partner = forms.SlugField(required=False)
    tag = forms.SlugField(required=False)


def filter_choices() -> dict:
    """The news list's filters: years with news, categories, partners, tags.

    Read once until they change (freshness.remember) for every language, then
    sorted by the name the reader sees.
    """

    def compute():
        return {
            "years": [
                d.year for d in Article.objects.published().dates("publish_at", "year", "DESC")
            ],
            "categories": list(Category.objects.all()),
            # The host university and its offices apart: they are not partners.
            "partners": list(Organization.objects.partners()),
            "ours": list(Organization.objects.ours()),
            "tags": list(Tag.objects.all()),
        }

    choices = remember("news-filters", compute)
    for name in ("categories", "partners", "ours", "tags"):
        choices[name] = sorted(choices[name], key=lambda obj: obj.name.casefold())
    return choices


def links() -> tuple:
    """An article page's related objects, each in one query whatever their number."""
    return (
        "tags",
        Prefetch("organizations", queryset=Organization.objects.order_by("slug")),
        Prefetch("people", queryset=Person.objects.order_by("slug")),
        Prefetch("events", queryset=Event.objects.order_by("start")),
        # Only what readers may see: a private agreement is not named, even to staff
        # previewing the article as readers will see it.
        Prefetch("agreements", queryset=Agreement.objects.public()),
    )


def page_parts(article) -> dict:
    """What an article's page shows besides the article's own row: its related objects,
    its translations' states, and the previous, next and related articles (see
    ``neighbours``). The same in every language and for staff previewing it.

    Eight queries, run once per version of the article and kept until something they
    read changes (freshness.remember: a partner renamed, an agreement made private or
    expiring, a translation's state, another article published); the version and time
    of the last save make an edited article's key a new one.
    """
    version = f"{article.version}:{article.updated_at.timestamp()}"
    return remember(f"article-page:{article.pk}:{version}", lambda: parts_of(article))


def parts_of(article) -> dict:
    """``page_parts``' work, done."""
    uses(article)  # its translations' states are written without a save
    prefetch_related_objects([article], *links())
    found = article._prefetched_objects_cache
    parts = {
        "links": {name: list(queryset) for name, queryset in found.items()},
        "translations": provenance.states_for([article])[provenance.key(article)],
        **neighbours(article),  # reads the links
    }
    del article._prefetched_objects_cache  # kept in parts: attach_links gives them back
    return parts


def public_article(slug: str) -> tuple[Article, dict]:
    """The public article at ``slug`` and its page's parts (``page_parts``), read in
    one go and kept until anything they read changes (freshness.remember): an article
    page's reader costs no query while nothing it shows has changed. Http404 (nothing
    kept) if no public article is there."""

    def compute():
        public = Article.objects.published().select_related("category")
        article = get_object_or_404(public, slug=slug)
        return article, parts_of(article)

    return remember(f"article-at:{slug}", compute)


def attach_links(article, links: dict) -> None:
    """Give ``article`` its related objects as prefetch_related leaves them (a queryset
    per relation, already evaluated): ``article.tags.all()`` costs no query."""
    cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in links.items():
        queryset = QuerySet(Article._meta.get_field(name).related_model)
        queryset._result_cache = objects
        queryset._prefetch_done = True
        cache[name] = queryset


def news_crumb() -> tuple[str, str]:
    return (_("News"), reverse("news:article_list"))


class ArticleListView(PageMixin, ListView):
    paginate_by = ARTICLES_PER_PAGE
    query_parameters = ("year", "category", "partner", "tag", "page")  # see core.freshness
    section = "news"

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

    def get_paginator(self, queryset, per_page, **kwargs):
        name = ",".join(f"{key}={value}" for key, value in sorted(self.filters.items()) if value)
        return NewestFirstPaginator(queryset, per_page, name=f"news:{name}", **kwargs)

    def get_breadcrumbs(self):
        return [home_crumb(), news_crumb()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.filters
        choices = filter_choices()
        context.update(choices)
        # The active filters are found among the choices: no query of their own.
        context["active_year"] = f.get("year")
        context["active_category"] = pick(choices["categories"], f.get("category"))
        context["active_partner"] = pick(choices["partners"] + choices["ours"], f.get("partner"))
        context["active_tag"] = pick(choices["tags"], f.get("tag"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


def pick(objects, slug):
    return next((obj for obj in objects if obj.slug == slug), None) if slug else None


class ArticleDetailView(DetailPage, DetailView):
    section = "news"
    title_field = "title"
    describe = staticmethod(structured_data.news_article)

    def get_queryset(self):
        # Staff preview drafts and scheduled articles at their public address; everyone
        # else gets a 404 for anything not public.
        if self.request.user.has_perm("news.view_article"):
            return Article.objects.select_related("category")
        return Article.objects.published().select_related("category")

    def get_object(self, queryset=None):
        if self.request.user.has_perm("news.view_article"):
            article = super().get_object(queryset)
            self.parts = page_parts(article)
        else:
            article, self.parts = public_article(self.kwargs["slug"])
        attach_links(article, self.parts["links"])
        return article

    @cached_property
    def translations(self):
        return self.parts["translations"]

    def get_parent_crumbs(self):
        return [home_crumb(), news_crumb()]

    def get_description(self):
        return shortened(self.object.lead)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        for name in ("previous_article", "next_article", "related_articles"):
            context[name] = self.parts[name]
        context["preview"] = not article.is_public()
        return context


def neighbours(article) -> dict:
    """The previous and next public articles and the related ones nearest in time (newest
    first), the related leaving out the previous and next (a reader is not offered one
    article twice).

    Nearest in time, not the newest: a report from 2015 is followed by what else happened
    with its partners then, and the newest articles are not on every article's page, so
    correcting one renews the pages near it, not the whole archive (core.freshness).
    Three queries: the neighbours by key on the public index, and the articles sharing a
    partner or an event just before and just after it.
    """
    public = Article.objects.published().headings()
    key = (article.publish_at, article.pk)
    previous = public.before(*key).newest_first().values("pk")[:1]
    following = public.after(*key).order_by("publish_at", "pk").values("pk")[:1]
    # Scalar subqueries: each runs once, then the rows are fetched by primary key.
    rows = list(public.filter(Q(pk=Subquery(previous)) | Q(pk=Subquery(following))))
    sharing = public.sharing_links_with(article).exclude(pk__in=[row.pk for row in rows])
    earlier = list(sharing.before(*key).newest_first()[:RELATED_ARTICLES])
    later = list(sharing.after(*key).order_by("publish_at", "pk")[:RELATED_ARTICLES])
    nearest = sorted(earlier + later, key=lambda r: abs(r.publish_at - article.publish_at))
    return {
        "previous_article": next((r for r in rows if (r.publish_at, r.pk) < key), None),
        "next_article": next((r for r in rows if (r.publish_at, r.pk) > key), None),
        "related_articles": sorted(
            nearest[:RELATED_ARTICLES], key=lambda r: (r.publish_at, r.pk), reverse=True
        ),
    }
