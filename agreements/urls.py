from django.urls import path

from . import feeds, views

app_name = "agreements"

# Before the partners' own "partners/<slug>/" in intloffice/urls.py, which would take
# "agreements" for an organisation's slug.
urlpatterns = [
    path("partners/agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    # Before the agreements' own addresses: "feed" is not an agreement's slug (see
    # Agreement.clean).
    path("partners/agreements/feed/", feeds.AgreementsFeed(), name="feed_rss"),
    path("partners/agreements/feed/atom/", feeds.AgreementsAtomFeed(), name="feed_atom"),
    path(
        "partners/agreements/<slug:slug>/",
        views.AgreementDetailView.as_view(),
        name="agreement_detail",
    ),
]
