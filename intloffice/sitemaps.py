"""sitemap.xml and robots.txt. (stub: to be written)"""

from django.http import HttpResponse

sitemaps = {}


def robots_txt(request):
    return HttpResponse("User-agent: *\n", content_type="text/plain")
