from django.urls import path

from authors import views
from newsroom.http_cache import public_page

app_name = "authors"

urlpatterns = [
    path("", public_page(views.AuthorListView.as_view()), name="list"),
    path("<slug:slug>/", public_page(views.AuthorDetailView.as_view()), name="detail"),
]
