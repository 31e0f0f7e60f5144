from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.SITE_NAME} — staff"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Newsroom desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("experts/", include("authors.urls")),
    path("newsletters/", include("newsletter.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
