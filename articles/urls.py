from django.urls import path

from articles import feeds, preview, views
from articles.page_tags import feed_page, search_page
from articles.redirects import follow_slug_history
from newsroom.page_cache import public_page

app_name = "articles"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("search/", search_page(views.search_view), name="search"),
    path(
        "articles/<slug:slug>/",
        follow_slug_history(public_page(views.ArticleDetailView.as_view())),
        name="detail",
    ),
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
    path("series/<slug:slug>/", public_page(views.SeriesView.as_view()), name="series"),
    path("programs/<slug:slug>/", public_page(views.ProgramView.as_view()), name="program"),
    path("tags/<slug:slug>/", public_page(views.TagView.as_view()), name="tag"),
    # Feeds: RSS at …/feed/, Atom at …/feed/atom/.
    path("feed/", feed_page(feeds.LatestFeed()), name="feed"),
    path("feed/atom/", feed_page(feeds.atom(feeds.LatestFeed)()), name="feed_atom"),
    path("series/<slug:slug>/feed/", feed_page(feeds.SeriesFeed()), name="series_feed"),
    path(
        "series/<slug:slug>/feed/atom/",
        feed_page(feeds.atom(feeds.SeriesFeed)()),
        name="series_feed_atom",
    ),
    path("tags/<slug:slug>/feed/", feed_page(feeds.TagFeed()), name="tag_feed"),
    path(
        "tags/<slug:slug>/feed/atom/",
        feed_page(feeds.atom(feeds.TagFeed)()),
        name="tag_feed_atom",
    ),
]
