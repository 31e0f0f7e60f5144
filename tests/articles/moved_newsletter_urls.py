"""The site's URLs as a later release has them: the newsletter pages under /letters/."""

from django.urls import include, path

from newsroom.urls import urlpatterns as current

urlpatterns = [
    path("letters/", include("newsletter.urls")),
    *(pattern for pattern in current if str(pattern.pattern) != "newsletters/"),
]
