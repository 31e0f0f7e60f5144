from articles.views.article import ArticleDetailView
from articles.views.discovery import news_sitemap, robots_txt
from articles.views.experts import ExpertDetailView, ExpertListView
from articles.views.pages import (
    HomeView,
    ProgramView,
    SeriesView,
    TagView,
)
from articles.views.search import search_view

__all__ = [
    "ArticleDetailView",
    "ExpertDetailView",
    "ExpertListView",
    "HomeView",
    "ProgramView",
    "SeriesView",
    "TagView",
    "news_sitemap",
    "robots_txt",
    "search_view",
]
