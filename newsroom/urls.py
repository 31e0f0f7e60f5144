import anymail.urls
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import sitemaps
from articles import views as article_views
from articles.page_tags import sitemap_page
from newsroom.health import healthz
from newsroom.page_cache import public_page
from newsroom.views import media


def tracking_webhooks(backend: str) -> list:
    """anymail's tracking webhook for the ESP whose backend sends our mail, if any.

    Only that one: anymail builds a webhook's view on every request, even a
    GET, and a view whose ESP is not configured (no signing key, no boto3)
    fails with a 500; nothing here receives inbound mail either.
    """
    esp = backend.removeprefix("anymail.backends.").removesuffix(".EmailBackend")
    return [p for p in anymail.urls.urlpatterns if p.name == f"{esp}_tracking_webhook"]


admin.site.site_header = f"{settings.SITE_NAME} — staff"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Newsroom desk"

urlpatterns = [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("robots.txt", public_page(article_views.robots_txt), name="robots_txt"),
    # An index, so each section can page past the 50,000-URL limit of one file.
    path(
        "sitemap.xml",
        sitemap_page(sitemaps.index),
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_page(sitemap_views.sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", sitemap_page(article_views.news_sitemap), name="news_sitemap"),
    path("experts/", include("articles.expert_urls")),
    path("newsletters/", include("newsletter.urls")),
    # The tracking webhook of the ESP EMAIL_URL names (/anymail/<esp>/tracking/):
    # bounces and complaints reach newsletter.webhooks through anymail's signal.
    path(
        "anymail/",
        include((tracking_webhooks(settings.MAILERS["default"]["BACKEND"]), "anymail")),
    ),
    path("", include("articles.urls")),
]
