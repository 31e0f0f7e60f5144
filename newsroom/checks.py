"""System checks of the project's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def release_is_named(app_configs, **kwargs):
    """Without ``RELEASE_ID`` the page cache names a release by the installed
    version and static files: a deploy of code alone would serve pages the old
    code rendered until they expire."""
    if settings.RELEASE_ID or settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return []
    return [
        Warning(
            "RELEASE_ID is not set: a deploy that changes code but not the version or the "
            "static files serves cached pages the old code rendered until they expire.",
            hint="Set RELEASE_ID to the commit being deployed.",
            id="newsroom.W001",
        )
    ]
