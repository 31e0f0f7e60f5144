"""robots.txt and the news sitemap (the last 48 hours, Google News format)."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # the most a news sitemap may list


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
        f"Sitemap: {settings.SITE_URL}{reverse('news_sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def news_sitemap(request):
    since = timezone.now() - NEWS_WINDOW
    articles = Article.objects.live().filter(published_at__gte=since)[:NEWS_LIMIT]
    return render(
        request,
        "sitemaps/news.xml",
        {"articles": articles, "language": settings.LANGUAGE_CODE.split("-")[0]},
        content_type="application/xml; charset=utf-8",
    )
