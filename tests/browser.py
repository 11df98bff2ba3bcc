"""What the browser tests share: Debian's Chromium, launched offline, and a site served on loopback."""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach the internet. Nothing a page asks
# leaves the machine either: every host but loopback (which Chromium never proxies) goes to a proxy on the
# discard port, where nothing listens, and fails at once. The tests record such requests from the browser's
# events; routing every request through Playwright instead would cost a quarter of each page load's CPU and
# switch the HTTP cache off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--proxy-server=http://127.0.0.1:9",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A tab closed mid-response resets its connection: that is the browser leaving, not the server failing.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """A built site on a free loopback port; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright; missing, it skips (fails under CI=true)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium); the browser test needs Debian's Chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def elsewhere(request_url: str, local: str) -> bool:
    """A request to a host other than `local` (host:port); data:, blob: and about: URLs ask no host."""
    url = urlsplit(request_url)
    return url.scheme not in ("data", "blob", "about") and url.netloc != local


class Lent:
    """A tab lent to one test: the handlers and routes it adds through `on` and `route` leave with it."""

    def __init__(self, page: Any, viewport: dict[str, int]) -> None:
        self.page = page
        self.viewport = viewport
        self.listeners: list[tuple[str, Any]] = []

    def on(self, event: str, handler: Any) -> None:
        self.page.on(event, handler)
        self.listeners.append((event, handler))

    def route(self, pattern: str, handler: Any) -> None:
        self.page.route(pattern, handler)

    def give_back(self) -> bool:
        """The tab as a new one is: its handlers and routes gone, its storage cleared, on `about:blank`, the
        pointer at the corner. False when it cannot be (closed, or crashed): it is then closed, not kept."""
        try:
            for event, handler in self.listeners:
                self.page.remove_listener(event, handler)
            self.page.unroute_all(behavior="ignoreErrors")
            if self.page.url.startswith("http"):
                self.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            self.page.context.clear_cookies()
            self.page.goto("about:blank")
            self.page.set_viewport_size(self.viewport)
            self.page.mouse.move(0, 0)
            return True
        except Exception:  # a tab that cannot be reset is not lent again
            return False


class Tabs:
    """Tabs kept open across a process's tests, one per viewport, colour scheme and touch. Navigating an open tab
    costs about a third of the CPU of opening one, whose new renderer compiles the theme's scripts again (10 page
    loads here: 18 s of CPU in new tabs, 7 s in one tab); the reset in `Lent.give_back` keeps the tests apart."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.idle: dict[tuple[int, int, str, bool], Any] = {}

    @contextmanager
    def lend(self, width: int, height: int, scheme: str = "light", touch: bool = False) -> Iterator[Lent]:
        key = (width, height, scheme, touch)
        page, viewport = self.idle.pop(key, None), {"width": width, "height": height}
        if page is None:
            context = self.browser.new_context(viewport=viewport, color_scheme=scheme, has_touch=touch)
            page = context.new_page()
        lent = Lent(page, viewport)
        try:
            yield lent
        finally:
            if lent.give_back():
                self.idle[key] = page
            else:
                page.context.close()
