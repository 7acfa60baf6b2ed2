from django.urls import path

from . import calendar, views

app_name = "partners"

urlpatterns = [
    path("partners/", views.OrganizationListView.as_view(), name="organization_list"),
    # Before the partners' own pages: "map" is not an organisation's slug.
    path("partners/map/", views.PartnerMapView.as_view(), name="partner_map"),
    path(
        "partners/<slug:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    # Beside the partner's page, as its news feed is.
    path("partners/<slug:slug>/calendar.ics", calendar.partner_calendar, name="partner_calendar"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/calendar.ics", calendar.events_calendar, name="event_calendar"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
]
