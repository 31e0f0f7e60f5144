import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_author, make_photo, make_series

pytestmark = pytest.mark.django_db


def _admin_urls(request):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if model_admin.has_add_permission(request):  # task results are read-only
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")


def test_every_changelist_and_add_page_answers_for_a_superuser(admin_client, rf, superuser):
    make_article(lead_photo=make_photo(), series=make_series(), authors=[make_author()], tags=["x"])
    request = rf.get("/")
    request.user = superuser
    for url in _admin_urls(request):
        assert admin_client.get(url).status_code == 200, url


def test_every_change_page_answers_for_a_superuser(admin_client):
    article = make_article(
        lead_photo=make_photo(), series=make_series(), authors=[make_author()], tags=["x"]
    )
    for obj in [article, article.lead_photo, article.series, article.series.program]:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200, url


def test_creating_an_article_in_admin_stores_ordered_authors_and_sanitized_body(
    admin_client, superuser
):
    first, second = make_author(), make_author()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Fresh piece",
            "slug": "fresh-piece",
            "dek": "Dek",
            "body": "<p>Hello</p><script>alert(1)</script>",
            "status": "draft",
            "tags": "energy, grids",
            "article_authors-TOTAL_FORMS": "2",
            "article_authors-INITIAL_FORMS": "0",
            "article_authors-0-author": str(second.pk),
            "article_authors-0-position": "1",
            "article_authors-1-author": str(first.pk),
            "article_authors-1-position": "0",
        },
    )
    assert response.status_code == 302, response.content
    article = Article.objects.for_listing().get(slug="fresh-piece")
    assert article.body == "<p>Hello</p>"
    assert article.ordered_authors() == [first, second]
    assert article.created_by == superuser
    assert sorted(t.name for t in article.tags.all()) == ["energy", "grids"]


def test_outsiders_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_article_form_uses_the_rich_text_editor_with_a_policy_that_lets_it_run(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    page = response.content.decode()
    assert 'data-type="ckeditortype"' in page and "ckeditor/ckeditor.js" in page
    # CKEditor 4's toolbar uses inline handlers: allowed on editor pages only.
    assert "script-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    changelist = admin_client.get(reverse("admin:articles_article_changelist"))
    assert "unsafe-inline" not in changelist["Content-Security-Policy"].split("style-src")[0]


def test_tag_suggestions_offer_existing_tags_to_staff_only(admin_client):
    from django.test import Client

    make_article(tags=["sanctions", "energy sanctions", "grids"])
    url = reverse("admin:articles_article_tag_suggestions")
    assert admin_client.get(url, {"q": "sanc"}).json() == {
        "tags": ["sanctions", "energy sanctions"]
    }
    assert admin_client.get(url, {"q": ""}).json() == {"tags": []}
    assert Client().get(url, {"q": "sanc"}).status_code == 302  # to the login page
    form = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-tag-suggest="{url}"' in form and "admin/js/tag_suggest.js" in form
