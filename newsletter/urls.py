from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.newsletter_list, name="list"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("preferences/<str:token>/erase/", views.erase, name="erase"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/archive/", views.edition_archive, name="archive"),
    path("<slug:slug>/archive/<int:pk>/", views.edition_detail, name="edition"),
]
