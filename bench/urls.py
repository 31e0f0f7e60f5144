"""Bench-only URLs: the product's URLconf plus ``/__bench__/constant/<bytes>/``.

The reference view returns a constant HTML body of the requested size with no
database or cache access: what Django, its middleware and gunicorn cost per
request on this machine — the framework's limit a real page is compared with.
"""

from functools import cache

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as product_urlpatterns


@cache
def _body(size: int) -> bytes:
    head = b"<!doctype html><html lang=en><title>reference</title><body><p>"
    tail = b"</p></body></html>\n"
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


def constant(request, size: int):
    return HttpResponse(_body(min(size, 2_000_000)), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("__bench__/constant/<int:size>/", constant, name="bench_constant"),
    *product_urlpatterns,
]
