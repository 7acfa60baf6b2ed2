from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("news/", views.ArticleListView.as_view(), name="article_list"),
    path("news/feed/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("news/feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    # A partner's news, beside its page (the partners app knows nothing of articles).
    path("partners/<slug:slug>/feed/", feeds.PartnerNewsFeed(), name="partner_feed"),
]
