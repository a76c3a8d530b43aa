"""Helpers for browser tests: record what went wrong in a page; sign a browser in."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page

from marketplace.models import User

# Runs before any page script (CDP injects it, so the page's CSP does not block it): keeps every
# Content-Security-Policy violation, in case the browser does not log one to the console.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


@dataclass
class BrowserProblems:
    """Console errors, uncaught exceptions and CSP violations seen by one page.

    With an `origin`, only what happens on that origin's pages counts (a page that leaves the site,
    e.g. for the meeting server, is not ours to judge).
    """

    page: Page
    origin: str | None = None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def _ours(self, url: str) -> bool:
        return self.origin is None or url == self.origin or url.startswith(self.origin + "/")

    def _on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and self._ours(url or self.page.url):
            self.console_errors.append(f"{message.text} ({url})")

    def _on_page_error(self, error: Error) -> None:
        if self._ours(self.page.url):
            self.page_errors.append(str(error))

    def csp_violations(self) -> list[str]:
        if not self._ours(self.page.url):
            return []
        return self.page.evaluate("() => window.__cspViolations || []")

    def clear(self) -> None:
        self.console_errors.clear()
        self.page_errors.clear()

    def assert_none(self, where: str) -> None:
        found = {
            "console errors": list(self.console_errors),
            "uncaught exceptions": list(self.page_errors),
            "CSP violations": self.csp_violations(),
        }
        assert not any(found.values()), f"Problems on {where}: {found}"


def watch(page: Page, origin: str | None = None) -> BrowserProblems:
    """Record the page's console errors, exceptions and CSP violations (on `origin` only, if given)."""
    problems = BrowserProblems(page, origin.rstrip("/") if origin else None)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on("console", problems._on_console)
    page.on("pageerror", problems._on_page_error)
    return problems


def sign_in(context: BrowserContext, user: User, live_server) -> None:
    """Give the browser a session cookie for the user (as if they had signed in)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
