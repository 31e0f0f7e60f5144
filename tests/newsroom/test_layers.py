"""Apps depend in one direction: newsletter → articles → authors → newsroom.

A lower app reaches a higher one only through reverse relations, never by
import, so each app's source is read for imports of the apps above it.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = ["newsroom", "authors", "articles", "newsletter"]
# The project's root URLconf mounts every app's pages: that is its job.
ROOT_URLCONF = Path(settings.BASE_DIR, *settings.ROOT_URLCONF.split(".")).with_suffix(".py")


def imported_apps(source: Path) -> set[str]:
    """The top-level packages ``source`` imports, by absolute import."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_app_imports_no_app_above_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    offending = {
        str(source.relative_to(settings.BASE_DIR)): sorted(imported_apps(source) & above)
        for source in Path(settings.BASE_DIR, app).rglob("*.py")
        if source != ROOT_URLCONF
    }
    assert {path: apps for path, apps in offending.items() if apps} == {}


def test_the_check_sees_an_import_of_a_higher_app(tmp_path):
    source = tmp_path / "views.py"
    source.write_text("from articles.models import Program\nimport newsletter.tokens\n")
    assert imported_apps(source) == {"articles", "newsletter"}
