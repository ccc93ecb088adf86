"""Logging in as a browser does: GET /login for the CSRF token, POST the form, keep the cookies.
Each role logs in once; its session cookie is shared by the simulated users of that role (the
login rate limit and argon2 make a login per simulated user a benchmark of the login instead)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request


def login(base: str, email: str, password: str) -> str:
    """The Cookie header of a logged-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login") as page:
        html = page.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    form = {"email": email, "password": password, "csrf_token": token.group(1) if token else ""}
    with opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode()) as answer:
        answer.read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    with opener.open(urllib.request.Request(f"{base}/dashboard", headers={"Cookie": cookies})) as check:
        if "/login" in check.geturl():
            raise RuntimeError(f"login as {email} failed")
    return cookies
