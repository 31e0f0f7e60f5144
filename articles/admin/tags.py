"""Tag suggestions in the article form: type a tag, pick an existing one (or make a new one).

The field stays taggit's comma-separated text, so a new tag is just typed; the
suggestions only save staff from near-duplicates ("sanction" next to "sanctions").
"""

from django.http import JsonResponse
from django.urls import reverse_lazy
from django.utils.html import format_html
from taggit.forms import TagWidget
from taggit.models import Tag

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


def tag_suggestions(request):
    """Up to ten tag names for ``?q=``: those starting with it first, then those containing it."""
    query = request.GET.get("q", "").strip()[:100]
    if not query:
        return JsonResponse({"tags": []})
    starting = list(
        Tag.objects.filter(name__istartswith=query)
        .order_by("name")
        .values_list("name", flat=True)[:SUGGESTIONS]
    )
    containing = (
        Tag.objects.filter(name__icontains=query)
        .exclude(name__istartswith=query)
        .order_by("name")
        .values_list("name", flat=True)[: SUGGESTIONS - len(starting)]
    )
    return JsonResponse({"tags": starting + list(containing)})
