from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom.health import healthz
from newsroom.views import media

admin.site.site_header = f"{settings.SITE_NAME} — staff"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Newsroom desk"

urlpatterns = [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("experts/", include("authors.urls")),
    path("newsletters/", include("newsletter.urls")),
    path("", include("articles.urls")),
]
