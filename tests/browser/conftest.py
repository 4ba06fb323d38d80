"""Fixtures for the browser tests: one JupyterLab and one headless system Chromium per session.

Without Chromium these tests are skipped with a reason, unless CNNVIZ_REQUIRE_BROWSER=1 (CI),
which turns a missing Chromium or a missing playwright package into a failure. Nothing else
skips them.
"""
import os
from pathlib import Path

import pytest

from lab import CHROMIUM_FLAGS, CHROMIUM_NAMES, ROOT, Lab, find_chromium

ARTIFACTS = ROOT / "artifacts" / "browser"
VIEWPORT = {"width": 1400, "height": 1300}


def browser_required():
    return os.environ.get("CNNVIZ_REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def chromium_path():
    """The Chromium to drive; skips (or, if required, fails) when there is none."""
    path = find_chromium()
    if path is None:
        where = (f"CNNVIZ_CHROMIUM={os.environ['CNNVIZ_CHROMIUM']!r} is not an executable"
                 if os.environ.get("CNNVIZ_CHROMIUM", "").strip()
                 else f"none of {', '.join(CHROMIUM_NAMES)} is on PATH")
        if browser_required():
            pytest.fail(f"CNNVIZ_REQUIRE_BROWSER is set but Chromium was not found ({where}); "
                        "install the Debian package chromium (apt-get install chromium) or set "
                        "CNNVIZ_CHROMIUM to a Chromium executable.", pytrace=False)
        pytest.skip(f"Chromium not found ({where}); install the Debian package chromium "
                    "(apt-get install chromium) or set CNNVIZ_CHROMIUM to a Chromium executable; "
                    "CNNVIZ_REQUIRE_BROWSER=1 makes this a failure.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        # Chromium is there, so the tests are meant to run: a missing client is a failure.
        pytest.fail(f"the playwright package is missing ({err}); "
                    "install the test requirements: pip install -r requirements-test.txt",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS,
                                              timeout=120_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory):
    """One JupyterLab for the session, serving a scratch copy of notebooks/."""
    server = Lab(tmp_path_factory.mktemp("lab"))
    try:
        yield server
    finally:
        server.stop()


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    return context.new_page()


@pytest.fixture
def page(browser, lab):
    """A fresh page; the kernels it started are shut down afterwards, so each notebook starts
    on a quiet CPU (a page another fixture keeps open keeps its kernel)."""
    before = lab.sessions()
    page = new_page(browser)
    try:
        yield page
    finally:
        page.context.close()
        lab.shutdown_kernels(keep=before)


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (``item.rep_call``), for fixtures that save a
    screenshot when the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
