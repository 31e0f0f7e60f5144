"""Every URL under /experts/: the directory, each profile and its feeds.

They are served by articles (a profile lists pieces) under the ``authors``
namespace, so ``Author.get_absolute_url()`` reverses ``authors:detail`` without
its app importing this one. The admin's names live in the ``admin`` namespace,
so the two never clash.
"""

from django.urls import path

from articles import feeds
from articles.page_tags import EXPERTS, feed_page
from articles.views import ExpertDetailView, ExpertListView
from newsroom.page_cache import public_page

app_name = "authors"

urlpatterns = [
    path("", public_page(ExpertListView.as_view(), tags=(EXPERTS,)), name="list"),
    path("<slug:slug>/", public_page(ExpertDetailView.as_view()), name="detail"),
    # Feeds: RSS at …/feed/, Atom at …/feed/atom/.
    path("<slug:slug>/feed/", feed_page(feeds.ExpertFeed()), name="feed"),
    path("<slug:slug>/feed/atom/", feed_page(feeds.atom(feeds.ExpertFeed)()), name="feed_atom"),
]
