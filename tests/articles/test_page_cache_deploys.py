"""A deploy never serves a cached page the old release wrote (newsroom.page_cache.release)."""

import re
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.factories import make_article, make_series

pytestmark = pytest.mark.django_db

SIGNUP_SCRIPT = re.compile(r'src="/static/(js/newsletter-signup\.[0-9a-f]+\.js)"')


@pytest.fixture
def piece():
    return make_article(title="Grid", series=make_series(name="Energy"))


MANIFEST = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}


def deploy_static(settings):
    """``collectstatic`` with hashed names, then a new process's view of them."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST}
    call_command("collectstatic", interactive=False, verbosity=0)
    # Setting the storage again is what a restarted process does: it loads the
    # new manifest, and the page cache names the new release.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST}


def test_a_deploy_of_static_files_alone_serves_pages_with_the_new_file_names(
    client, piece, settings, tmp_path
):
    source = tmp_path / "static"
    shutil.copytree(django_settings.BASE_DIR / "static", source)
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.RELEASE_ID = ""
    deploy_static(settings)
    old = SIGNUP_SCRIPT.search(client.get(piece.get_absolute_url()).text).group(1)
    assert SIGNUP_SCRIPT.search(client.get(piece.get_absolute_url()).text).group(1) == old

    script = source / "js" / "newsletter-signup.js"
    script.write_text(script.read_text() + "\n// a fix\n")
    deploy_static(settings)

    new = SIGNUP_SCRIPT.search(client.get(piece.get_absolute_url()).text).group(1)
    assert new != old
    assert (settings.STATIC_ROOT / new).exists()


def test_a_deploy_that_moves_urls_serves_pages_with_the_new_links(client, piece, settings):
    settings.RELEASE_ID = "release-1"
    assert 'action="/newsletters/subscribe/"' in client.get(piece.get_absolute_url()).text
    settings.RELEASE_ID = "release-2"
    settings.ROOT_URLCONF = "tests.articles.moved_newsletter_urls"
    page = client.get(piece.get_absolute_url()).text
    assert 'action="/letters/subscribe/"' in page
    assert "/newsletters/" not in page
