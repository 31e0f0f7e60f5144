from django.conf import settings
from django.http import Http404
from django.views.static import serve


def media(request, path):
    """Serve uploads from MEDIA_ROOT when ``SERVE_MEDIA`` is on (local use, tests, one-box sites).

    Larger deployments put media on object storage or a front server and leave it off.
    """
    if not settings.SERVE_MEDIA:
        raise Http404("Media is not served by the application.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # Upload names are random and never reused, so browsers may keep them.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
