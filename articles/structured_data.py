"""Schema.org JSON-LD for articles, and the social image every card and share uses."""

from newsroom.structured_data import absolute, breadcrumbs, json_ld, person, publisher

__all__ = ["breadcrumbs", "canonical_url", "json_ld", "news_article", "social_image"]


def social_image(article) -> dict | None:
    """The picture for social cards and JSON-LD: the 1200x630 crop, URL and size.

    Until the worker has made the crop, the original stands in with its own size.
    """
    photo = article.lead_photo
    if photo is None:
        return None
    social = photo.rendition_list("social")
    width, height = (social[-1].width, social[-1].height) if social else (photo.width, photo.height)
    return {
        "url": absolute(photo.social_image_url()),
        "width": width,
        "height": height,
        "alt": photo.alt_text,
    }


def canonical_url(article) -> str:
    return article.canonical_url or absolute(article.get_absolute_url())


def news_article(article, *, tags, image: dict | None, corrections=()) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "datePublished": article.published_at.isoformat(),
        "dateModified": max(
            article.updated_at, article.last_updated or article.published_at, article.published_at
        ).isoformat(),
        "author": [person(a) for a in article.ordered_authors()],
        "publisher": publisher(),
        "mainEntityOfPage": canonical_url(article),
        "url": canonical_url(article),
    }
    if image:
        data["image"] = [
            {
                "@type": "ImageObject",
                "url": image["url"],
                "width": image["width"],
                "height": image["height"],
            }
        ]
    if article.series:
        data["articleSection"] = article.series.name
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": note.note,
                "datePublished": note.created_at.isoformat(),
            }
            for note in corrections
        ]
    return data
