"""Browser tests: Playwright driving Debian's chromium against the app served on localhost.

The app is the suite's `app` fixture (same database, SQLite or PostgreSQL) served by werkzeug in
a thread. Screenshots of every page visited go to tests/e2e/screenshots/ (not committed).
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("QISU_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


ROOT = Path(__file__).resolve().parents[2]
DESIGNER_SOURCES = ROOT / "app" / "web" / "assets" / "designer"
DESIGNER_BUNDLE = ROOT / "app" / "web" / "static" / "dist" / "designer-modeler.js"


@pytest.fixture(scope="session", autouse=True)
def designer_bundle():
    """The designer's modeler bundle (`make install` builds it; a bare pytest run may not have):
    built here when missing or older than its sources (about 1 s)."""
    newest = max(f.stat().st_mtime for f in DESIGNER_SOURCES.iterdir())
    if not DESIGNER_BUNDLE.exists() or DESIGNER_BUNDLE.stat().st_mtime < newest:
        subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: `make test` installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


class Person:
    """One user in their own browser context (cookies, language) — a person at a desk."""

    def __init__(self, browser, base_url: str, username: str):
        self.username = username
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, locale="zh-CN",
                                           viewport={"width": 1360, "height": 900})
        self.page = self.context.new_page()
        self.shots = 0
        # The Content-Security-Policy must not block anything the pages use.
        self.csp_violations: list[str] = []
        self.page.on("console", lambda message: self.csp_violations.append(message.text)
                     if "Content Security Policy" in message.text else None)

    def login(self) -> "Person":
        self.page.goto("/login")
        self.page.fill("input[name=username]", self.username)
        self.page.fill("input[name=password]", f"qisu-{self.username}")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, f"{self.username} could not log in"
        return self

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(exist_ok=True)
        self.shots += 1
        path = SHOTS / f"{self.username}-{self.shots:02d}-{re.sub(r'[^a-z0-9_-]+', '-', name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser, live_server):
    people = []

    def make(username: str) -> Person:
        people.append(Person(browser, live_server, username).login())
        return people[-1]
    yield make
    violations = [v for p in people for v in p.csp_violations]
    for p in people:
        p.close()
    assert not violations, violations
