"""Helpers for browser tests: Chromium settings, viewports, screenshots, waiting for mail."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import PASSWORD, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def wait_for_mail(mailbox, to: str, timeout: float = 10.0):
    """The newest message to ``to``, waiting for delivery (mail is sent right after the commit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = [m for m in mailbox.messages if m["To"] == to]
        if messages:
            return messages[-1]
        time.sleep(0.05)
    raise AssertionError(f"no mail to {to} within {timeout} s; got {[m['To'] for m in mailbox.messages]}")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_CHECKS = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('<html> has no lang');
  if (document.querySelectorAll('h1').length !== 1) problems.push('expected one <h1>');
  if (!document.querySelector('main')) problems.push('no <main> landmark');
  const skip = document.querySelector('a.skip-link');
  if (!skip || !document.getElementById((skip.getAttribute('href') || '').slice(1))) problems.push('no skip link');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button'].includes(el.type)) continue;
    const named = el.labels.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) problems.push(`unlabelled ${el.tagName.toLowerCase()} ${el.name}`);
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (!(el.innerText || el.getAttribute('aria-label') || el.querySelector('img[alt]:not([alt=""])')))
      problems.push(`${el.tagName.toLowerCase()} without text`);
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt');
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page is wider than the screen (${document.documentElement.scrollWidth} > ${window.innerWidth})`);
  return problems;
}"""


def accessibility_problems(page) -> list[str]:
    """Basic WCAG checks a page must pass: language, one h1, landmarks, skip link, labels, alt texts,
    names on buttons and links, and no sideways scrolling."""
    return page.evaluate(_CHECKS)


def path_of(page) -> str:
    return urlsplit(page.url).path


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the form and wait for the dashboard."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/dashboard")
