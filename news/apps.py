from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from . import workflow
        from .models import Article

        # Every save of an article, whatever door it comes through, passes the workflow.
        pre_save.connect(workflow.guard, sender=Article, dispatch_uid="workflow-guard")
        post_save.connect(workflow.saved, sender=Article, dispatch_uid="workflow-saved")
