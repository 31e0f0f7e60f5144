"""``{% card article level=3 compact=True %}``: one article card, kept rendered.

The card is ``includes/article_card.html``. On a listing page whose view passed
``cards`` (a ``newsroom.fragments.PartsBatch`` of the pieces shown, see
``newsroom.fragments.CardPartsMixin``) each variant of a piece's card is
kept per version of the piece, so after a change elsewhere drops the page
cache the page renders again without drawing its cards. A search result's
card is kept with a slot for its snippet, filled per query. A card drawn
without ``cards`` simply renders.
"""

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


# Where a search result's snippet goes in its kept card: a comment, which no
# escaped title or dek can contain.
SNIPPET_SLOT = mark_safe("<!--snippet-->")


@register.simple_tag(takes_context=True)
def card(context, article, level=2, compact=False, is_featured=False, hide_series=False):
    snippet = getattr(article, "snippet", "")

    def render(snippet=snippet):
        return get_template("includes/article_card.html").render(
            {
                "article": article,
                "snippet": snippet,
                "level": level,
                "compact": compact,
                "is_featured": is_featured,
                "hide_series": hide_series,
            }
        )

    batch = context.get("cards")
    if batch is None:
        return render()
    variant = f"{level}:{compact:d}:{is_featured:d}:{hide_series:d}"
    if not snippet:
        return mark_safe(batch.render(article.pk, variant, render))
    # A search result: the card is kept with a slot that takes this query's snippet.
    kept = batch.render(article.pk, variant + ":snippet", lambda: render(SNIPPET_SLOT))
    return mark_safe(kept.replace(SNIPPET_SLOT, conditional_escape(snippet), 1))
