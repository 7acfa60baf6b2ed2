from django.urls import path

from . import views

app_name = "agreements"

# Before the partners' own "partners/<slug>/" in intloffice/urls.py, which would take
# "agreements" for an organisation's slug.
urlpatterns = [
    path("partners/agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path(
        "partners/agreements/<slug:slug>/",
        views.AgreementDetailView.as_view(),
        name="agreement_detail",
    ),
]
