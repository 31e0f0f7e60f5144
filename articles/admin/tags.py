"""Tag suggestions in the article form: type a tag, pick an existing one (or make a new one).

The field stays taggit's comma-separated text, so a new tag is just typed; the
suggestions only save staff from near-duplicates ("sanction" next to "sanctions").
"""

from django.contrib.contenttypes.models import ContentType
from django.http import JsonResponse
from django.urls import reverse_lazy
from django.utils.html import format_html
from taggit.forms import TagWidget
from taggit.models import Tag, TaggedItem

from articles import workflow
from articles.models import Article

SUGGESTIONS = 10


class TagSuggestWidget(TagWidget):
    """taggit's text input, wired to a ``<datalist>`` that tag_suggest.js keeps filled."""

    class Media:
        js = ["admin/js/tag_suggest.js"]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id', name)}-suggestions"
        attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "data-tag-suggest": reverse_lazy("admin:articles_article_tag_suggestions"),
            }
        )
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, list_id)


def suggestable_tags(user):
    """Tags on pieces this person may see: a tag that only another writer's
    draft carries would tell a contributor what that draft is about."""
    if workflow.is_editor(user):
        return Tag.objects.all()
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id__in=workflow.visible_pieces(user).values("pk"),
    )
    return Tag.objects.filter(pk__in=tagged.values("tag_id"))


def tag_suggestions(request):
    """Up to ten tag names for ``?q=``: those starting with it first, then those containing it."""
    query = request.GET.get("q", "").strip()[:100]
    if not query:
        return JsonResponse({"tags": []})
    tags = suggestable_tags(request.user)
    starting = list(
        tags.filter(name__istartswith=query)
        .order_by("name")
        .values_list("name", flat=True)[:SUGGESTIONS]
    )
    containing = (
        tags.filter(name__icontains=query)
        .exclude(name__istartswith=query)
        .order_by("name")
        .values_list("name", flat=True)[: SUGGESTIONS - len(starting)]
    )
    return JsonResponse({"tags": starting + list(containing)})
