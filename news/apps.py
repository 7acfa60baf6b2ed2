from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from intloffice.core import freshness
        from partners import timeline as partner_timeline

        from . import timeline, workflow
        from .models import Article, Category, Tag

        # Every save of an article, whatever door it comes through, passes the workflow.
        pre_save.connect(workflow.guard, sender=Article, dispatch_uid="workflow-guard")
        post_save.connect(workflow.saved, sender=Article, dispatch_uid="workflow-saved")

        # Public pages show articles, their categories and tags, and their links to
        # partners, people and events; a scheduled article goes live by itself.
        freshness.watch(Article, Category, Tag)
        freshness.changes_by_itself(Article.objects.next_publication)

        # A partner's page lists its published articles on its timeline (partners.timeline).
        partner_timeline.register("articles", timeline.articles)
