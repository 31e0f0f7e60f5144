"""The page cache answers no request whose Host fails ALLOWED_HOSTS."""

import pytest
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/feed/", "/sitemap.xml", "/robots.txt"])
def test_a_cached_page_is_refused_to_a_host_not_allowed(client, url):
    make_article(title="Cached for good hosts")
    assert client.get(url).status_code == 200
    cached = client.get(url)
    assert cached.status_code == 200

    response = client.get(url, headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert response.content != cached.content
    assert b"Cached for good hosts" not in response.content


def test_an_allowed_host_is_still_served_from_the_cache(client, django_assert_num_queries):
    make_article()
    client.get(reverse("articles:home"))
    with django_assert_num_queries(0):
        response = client.get(reverse("articles:home"), headers={"Host": "localhost"})
    assert response.status_code == 200
