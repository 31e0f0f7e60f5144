"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never a downloaded browser: ``executable_path`` is the system's ``chromium``, and its
flags keep it off the network. Screenshots and page sources land in ``artifacts/``
(override with ``E2E_ARTIFACTS``), which CI keeps and git ignores.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.checkers import AXE_JS, VNU_JAR

# Playwright's sync API runs an event loop in the test thread; the ORM calls our
# tests make there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def pytest_collection_modifyitems(config, items):
    missing = [str(p) for p in (AXE_JS, VNU_JAR) if not p.exists()]
    if not shutil.which("chromium"):
        missing.append("chromium (apt-get install chromium)")
    if missing:
        raise pytest.UsageError(
            "Browser tests need: " + ", ".join(missing) + " — run `make e2e`, which installs them."
        )


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": shutil.which("chromium"), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args():
    # bypass_csp lets the test inject axe-core; the pages' own CSP is tested elsewhere.
    return {"viewport": DESKTOP, "bypass_csp": True}


@pytest.fixture
def artifacts(request) -> Path:
    folder = ARTIFACTS / request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shoot(artifacts):
    """Save a full-page screenshot; return its path (for failure messages)."""

    def _shoot(page, name: str) -> Path:
        # Scroll through once so lazy-loaded images below the fold are in the shot.
        page.wait_for_load_state("load")
        page.evaluate(
            "async () => { const h = document.documentElement.scrollHeight;"
            " for (let y = 0; y < h; y += 600) {"
            " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); }"
            " window.scrollTo(0, 0); }"
        )
        page.wait_for_load_state("networkidle")
        path = artifacts / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


@pytest.fixture
def live(live_server, transactional_db, settings):
    """The live server's URL, with emails' links pointing at it.

    Each browser test ends with a flush, which also empties the groups the
    workflow migration creates; they are made again here, as ``migrate`` would.
    """
    import importlib

    from django.apps import apps

    roles = importlib.import_module("articles.migrations.0005_workflow_roles")
    roles.create_groups(apps, None)
    importlib.import_module("newsletter.migrations.0003_editor_permissions").grant(apps, None)
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def demo(live):
    """The live server with ``seed_demo``'s newsroom, newsletters and staff in it."""
    call_command("seed_demo", stdout=io.StringIO())
    return live


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test leaves a screenshot of every open page, named in the report."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if not (report.failed and call.when == "call" and browser is not None):
        return report
    folder = ARTIFACTS / item.name.replace("/", "_").replace("[", "-").rstrip("]")
    folder.mkdir(parents=True, exist_ok=True)
    notes = []
    pages = [p for context in browser.contexts for p in context.pages]
    for number, open_page in enumerate(pages, start=1):
        path = folder / f"FAILED-{number}.png"
        try:
            open_page.screenshot(path=str(path), full_page=True)
            notes.append(f"Screenshot at failure: {path} (page at {open_page.url})")
        except Exception as error:  # the page may be closed or crashed
            notes.append(f"No screenshot of {open_page.url}: {error}")
    note = "\n".join(notes) or "No page was open at failure."
    report.sections.append(("browser", note))
    report.longrepr = f"{report.longrepr}\n\n{note}"
    return report
