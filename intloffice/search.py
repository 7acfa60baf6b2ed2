"""Search over articles, partners, people and events in every language. (stub: to be written)"""

from django.views.generic import TemplateView


class SearchView(TemplateView):
    template_name = "search.html"
