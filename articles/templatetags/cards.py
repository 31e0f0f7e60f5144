"""``{% card article level=3 compact=True %}``: one article card (includes/article_card.html)."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/article_card.html")
def card(article, level=2, compact=False, is_featured=False, hide_series=False):
    return {
        "article": article,
        "snippet": getattr(article, "snippet", ""),
        "level": level,
        "compact": compact,
        "is_featured": is_featured,
        "hide_series": hide_series,
    }
