from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from intloffice.core import freshness
        from partners import timeline as partner_timeline

        from . import feeds, timeline, workflow
        from .models import Article, Category, Tag

        # Every save of an article, whatever door it comes through, passes the workflow.
        pre_save.connect(workflow.guard, sender=Article, dispatch_uid="workflow-guard")
        post_save.connect(workflow.saved, sender=Article, dispatch_uid="workflow-saved")

        # Public pages show articles, their categories and tags, and their links to
        # partners, people and events; a scheduled article goes live by itself.
        freshness.watch(Category, Tag)
        # Editing only an article's text or picture moves it in no list: that renews the
        # pages showing it, not every page listing articles.
        freshness.watch(Article, display_only=Article.DISPLAY_ONLY)
        freshness.changes_by_itself(Article, Article.objects.next_publication)

        # A WebSub hub, if there is one, hears of every committed change to what the feeds
        # show (intloffice.core.websub); the importer tells it once per import.
        pre_save.connect(feeds.article_changing, sender=Article, dispatch_uid="websub-before")
        post_save.connect(feeds.article_saved, sender=Article, dispatch_uid="websub-saved")
        pre_delete.connect(feeds.article_changing, sender=Article, dispatch_uid="websub-delete")
        post_delete.connect(feeds.article_deleted, sender=Article, dispatch_uid="websub-deleted")

        # A partner's page lists its published articles on its timeline (partners.timeline).
        partner_timeline.register("articles", timeline.articles)
