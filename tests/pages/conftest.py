"""Browser tests: the real app on a loopback port over a real embedded store (the seed plus HTML-looking
payloads), driven in Debian's headless Chromium by Playwright (never a browser the test tool downloads).

Every test's page is watched: console errors, uncaught exceptions, dialogs (an alert would mean a payload
ran) and any request that leaves 127.0.0.1 (it is also blocked) fail the test in `Watched.check`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.graph.embedded import EmbeddedStore
from caleido.loaders.sources import SEED_FOLDER
from tests.helpers import FIXTURES, load, serve

CHROMIUM = os.environ.get("CALEIDO_CHROMIUM", "/usr/bin/chromium")
# As root in a container, offline: no sandbox, no GPU, and none of Chromium's own calls home.
CHROMIUM_FLAGS = [
    "--headless=new",
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
SCREENSHOTS = Path(os.environ.get("CALEIDO_TEST_OUTPUT", "test-output")) / "screenshots"
PAYLOAD = "<img src=x onerror=alert(1)>"
# Elements a payload would create if it were parsed as HTML (the pages' own scripts all have src or type).
INJECTED = (
    "() => document.querySelectorAll('img[src=\"x\"], svg[onload], iframe, script:not([src]):not([type])').length"
)


@dataclass
class Site:
    url: str
    store: EmbeddedStore
    keys: KeyStore


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("pages")
    store = EmbeddedStore(folder / "store")
    load(store, SEED_FOLDER)
    load(store, FIXTURES / "pages" / "xss.yaml")
    keys = KeyStore(folder / "keys.sqlite3")
    with serve(create_app(store=store, keys=keys)) as url:
        yield Site(url, store, keys)
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        message = (
            f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CALEIDO_CHROMIUM"
        )
        if os.environ.get("CALEIDO_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page and everything it did that a test must not see."""

    page: object
    base: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def goto(self, path: str) -> object:
        return self.page.goto(self.base + path)  # type: ignore[attr-defined]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)  # type: ignore[attr-defined]
        return path

    def check(self, *expected_statuses: int) -> None:
        """Nothing went wrong in the browser, nothing left loopback, and no payload ran. Chromium logs each
        answer of 4xx as a console error; a test that asks for one names its status here."""
        page = self.page
        expected = tuple(f"status of {status} " for status in expected_statuses)
        errors = [
            e
            for e in self.console_errors
            if not (expected and "Failed to load resource" in e and any(s in e for s in expected))
        ]
        assert errors == [], errors
        assert self.outside_requests == [], self.outside_requests
        assert self.dialogs == [], self.dialogs
        assert page.evaluate("() => window.__xss === undefined")  # type: ignore[attr-defined]
        injected = page.evaluate(INJECTED)  # type: ignore[attr-defined]
        assert injected == 0


@pytest.fixture
def watched(browser: object, site: Site) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    seen = Watched(page, site.url)

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1":
            route.continue_()  # type: ignore[attr-defined]
        else:
            seen.outside_requests.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page.on("request", lambda request: seen.requests.append(request.url))

    def console(message: Any) -> None:
        if message.type == "error":
            seen.console_errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: seen.console_errors.append(f"uncaught: {error}"))

    def dialog(d: object) -> None:
        seen.dialogs.append(d.message)  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dialog)
    yield seen
    context.close()
