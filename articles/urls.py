from django.urls import path

from articles import preview, views
from articles.redirects import follow_slug_history

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "articles/<slug:slug>/",
        follow_slug_history(views.ArticleDetailView.as_view()),
        name="detail",
    ),
    path("series/<slug:slug>/", views.SeriesView.as_view(), name="series"),
    path("programs/<slug:slug>/", views.ProgramView.as_view(), name="program"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
]
