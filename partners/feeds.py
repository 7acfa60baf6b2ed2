"""A partner's news feed and the iCalendar feed of events. (stub: to be written)"""

from django.http import HttpResponse

from news.feeds import LatestArticlesFeed


class PartnerNewsFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return slug


def events_calendar(request):
    return HttpResponse("", content_type="text/calendar")
