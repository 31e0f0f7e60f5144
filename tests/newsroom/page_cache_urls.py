"""Pages for the page cache's own tests: each counts its renders and names its tags."""

from datetime import timedelta

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from newsroom import page_cache
from newsroom.page_cache import public_page

renders: list[str] = []


def tagged(*tags):
    def view(request):
        renders.append(request.path)
        page_cache.tag(request, *tags)
        return HttpResponse(f"<p>{request.path} render {len(renders)}</p>")

    return view


def changed_while_rendering(request):
    """A page whose data changes (and is dropped) after it was read, before it is stored."""
    renders.append(request.path)
    page_cache.tag(request, "racy")
    page_cache.drop("racy")
    return HttpResponse(f"<p>render {len(renders)}</p>")


def expiring(request):
    renders.append(request.path)
    page_cache.expire_at(request, timezone.now() + timedelta(seconds=30))
    return HttpResponse("<p>soon different</p>")


def private(request):
    renders.append(request.path)
    response = HttpResponse("<p>not for sharing</p>")
    response.set_cookie("seen", "1")
    return response


urlpatterns = [
    path("a/", public_page(tagged("a"))),
    path("b/", public_page(tagged("b"))),
    path("ab/", public_page(tagged("a", "b"))),
    path("site/", public_page(tagged(), tags=("everything",))),
    path("racy/", public_page(changed_while_rendering)),
    path("expiring/", public_page(expiring)),
    path("cookie/", public_page(private)),
    path("plain/", tagged("a")),
]
