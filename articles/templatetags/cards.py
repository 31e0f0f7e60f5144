"""``{% card article level=3 compact=True %}``: one article card, kept rendered.

The card is ``includes/article_card.html``. On a listing page whose view passed
``cards`` (a ``newsroom.fragments.PartsBatch`` of the pieces shown, see
``newsroom.fragments.CardPartsMixin``) each variant of a piece's card is
kept per version of the piece, so after a change elsewhere drops the page
cache the page renders again without drawing its cards. A card carrying a
search snippet, or drawn without ``cards``, simply renders.
"""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def card(context, article, level=2, compact=False, is_featured=False, hide_series=False):
    def render():
        return get_template("includes/article_card.html").render(
            {
                "article": article,
                "level": level,
                "compact": compact,
                "is_featured": is_featured,
                "hide_series": hide_series,
            }
        )

    batch = context.get("cards")
    if batch is None or getattr(article, "snippet", ""):
        return render()
    variant = f"{level}:{compact:d}:{is_featured:d}:{hide_series:d}"
    return mark_safe(batch.render(article.pk, variant, render))
