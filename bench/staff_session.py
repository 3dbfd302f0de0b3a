"""A signed-in staff session for the benchmarks, made the way a browser makes one.

Seeds the demonstration data (`flask db upgrade`, `flask demo seed`) into the benchmark's
temporary database, then signs a demo caseworker in over HTTP: the sign-in form (CSRF token
and form cookie), the password, and a TOTP code computed from the secret the seed printed.
The cookie that comes back is what a browser would send on every staff page.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyotp

ROOT = Path(__file__).resolve().parent.parent
CASEWORKER = "demo-caseworker-1@example.gov.uk"
_ACCOUNT = re.compile(
    r"(?P<email>\S+@\S+)\n\s+Password:\s+(?P<password>.+)\n\s+TOTP secret:\s+(?P<secret>[A-Z2-7 ]+)"
)
_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    totp_secret: str


def seed_demo(env: dict[str, str]) -> dict[str, DemoAccount]:
    """Migrate and seed the demo data; the accounts it printed, by email address."""
    flask = [sys.executable, "-m", "flask", "--app", "portal"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [*flask, "demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return {
        m["email"]: DemoAccount(m["email"], m["password"].strip(), m["secret"].replace(" ", ""))
        for m in _ACCOUNT.finditer(seeded.stdout)
    }


def _request(
    port: int, method: str, path: str, cookies: dict[str, str], form: dict[str, str] | None = None
) -> tuple[int, bytes, str]:
    """One request; updates `cookies` from Set-Cookie; returns status, body, Location."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                expired = "Max-Age=0" in value or "01 Jan 1970" in value
                if cookie_value and not expired:
                    cookies[name] = cookie_value
                else:
                    cookies.pop(name, None)
        return response.status, response.read(), response.getheader("Location") or ""
    finally:
        conn.close()


def sign_in(port: int, account: DemoAccount) -> str:
    """Sign in with password and code; the Cookie header a signed-in browser sends."""
    cookies: dict[str, str] = {}
    status, body, _ = _request(port, "GET", "/staff/sign-in", cookies)
    token = _CSRF.search(body)
    if status != 200 or token is None:
        raise RuntimeError(f"sign-in form: status {status}")
    form = {"csrf_token": token[1].decode(), "email": account.email, "password": account.password}
    status, _, location = _request(port, "POST", "/staff/sign-in", cookies, form)
    if status != 303 or "/sign-in/code" not in location:
        raise RuntimeError(f"password step: status {status}, to {location!r}")
    status, body, _ = _request(port, "GET", "/staff/sign-in/code", cookies)
    token = _CSRF.search(body)
    if status != 200 or token is None:
        raise RuntimeError(f"code form: status {status}")
    code = pyotp.TOTP(account.totp_secret).now()
    form = {"csrf_token": token[1].decode(), "code": code}
    status, _, location = _request(port, "POST", "/staff/sign-in/code", cookies, form)
    if status != 303:
        raise RuntimeError(f"code step: status {status}, to {location!r}")
    status, _, _ = _request(port, "GET", "/staff/queue", cookies)
    if status != 200:
        raise RuntimeError(f"the queue answered {status} after signing in")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())
