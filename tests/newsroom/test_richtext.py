from ckeditor.widgets import CKEditorWidget
from django import forms

from articles.models import Article


def test_the_admin_article_form_edits_the_body_in_ckeditor(admin_client):
    page = admin_client.get("/admin/articles/article/add/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert isinstance(form.fields["body"].widget, CKEditorWidget)
    assert "ckeditor/ckeditor.js" in page.text
    # Plain text fields keep the admin's own textarea.
    assert not isinstance(form.fields["dek"].widget, CKEditorWidget)


def test_a_widget_chosen_on_purpose_is_kept():
    field = Article._meta.get_field("body").formfield(widget=forms.HiddenInput)
    assert isinstance(field.widget, forms.HiddenInput)
