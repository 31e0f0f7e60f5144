from django.conf import settings


def site(request):
    """What every page's base template needs to know about the site."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
