"""Old slugs keep answering: a piece renamed after going live redirects (301) to its new URL."""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect

from articles.models import Article, ArticleSlug


def follow_slug_history(view):
    """Wrap the article page: only when it would 404, look the slug up among old ones.

    The lookup costs nothing on the pages that exist, and the redirect goes to
    a live piece only, so an old slug never reveals an unpublished one.
    """

    @wraps(view)
    def wrapper(request, *args, slug, **kwargs):
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            old = (
                ArticleSlug.objects.select_related("article")
                .filter(slug=slug, article__in=Article.objects.live())
                .first()
            )
            if old is None:
                raise
            target = old.article.get_absolute_url()
            if request.META.get("QUERY_STRING"):
                target += "?" + request.META["QUERY_STRING"]
            return HttpResponsePermanentRedirect(target)

    return wrapper
