"""Per-client limits (issue 15 points 2-4): staff sign-in (before any hashing), tracking,
submissions and uploads, counted where every app server sees them (the database, or a real
Redis on 127.0.0.1:6379); a limited visitor gets a 429 page in their language with
Retry-After; no one can lock the owner of an account or a request out; password hashing
is bounded per worker.

Each test builds app instances of its own ("servers") on the suite's database with a key
prefix of its own, since the suite's shared app has the limits off.
"""

from __future__ import annotations

import os
import re
import runpy
import secrets
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.support import Translations
from flask import request

from portal.accounts import passwords
from portal.config import rate_limit_overrides, settings_from_environment
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.rate_limits import DEFAULT_LIMITS, REFUSAL_DELAY_SECONDS, RefusalGate, check
from tests.conftest import ROOT, make_app
from tests.functional.staff.conftest import give_password, make_account, page_token, sign_in
from tests.functional.test_tracking import (
    ask_for_code,
    enter_code,
    file_request,
    jobs_for,
    latest_code,
    unique_email,
)
from tests.journeys import (
    ACCESS_ANSWERS,
    PERSON,
    answer,
    complete_access_journey,
    identity_files,
    start,
    submit,
)
from tests.visible import visible_text

REDIS_URL = "redis://127.0.0.1:6379/0"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2.0)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Redis on 127.0.0.1:6379 is unreachable: {error}")
        pytest.skip(f"Redis on 127.0.0.1:6379 is unreachable ({error}) and CI is not set")
    return client


@pytest.fixture(params=["database", "redis"])
def servers(request, app, database_url):
    """servers(n, **config): n app instances sharing one set of counters (two servers)."""
    prefix = f"test:{secrets.token_hex(8)}:"
    redis_client = redis_or_skip() if request.param == "redis" else None
    extra = {"REDIS_URL": REDIS_URL} if redis_client is not None else {}

    built = []

    def build(count: int = 2, **config):
        apps = [
            make_app(
                database_url,
                Path(app.instance_path),
                RATE_LIMITS_ENABLED=True,
                RATE_LIMIT_PREFIX=prefix,
                **extra,
                **config,
            )
            for _ in range(count)
        ]
        built.extend(apps)
        return apps

    yield build
    for server in built:  # each server's own connections, closed before they are collected
        with server.app_context():
            db.session.remove()
            db.engine.dispose()
        backend = server.extensions["rate_limiter"]
        if hasattr(backend, "client"):
            backend.client.close()
    if redis_client is not None:
        keys = list(redis_client.scan_iter(match=f"{prefix}*"))
        if keys:
            redis_client.delete(*keys)
        redis_client.close()


def client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def visible(response) -> str:
    return visible_text(response.get_data(as_text=True))


def test_two_servers_share_one_limit_and_say_when_to_try_again(servers):
    first, second = servers(RATE_LIMITS={"staff_sign_in": (3, 300)})
    account = make_account(first)
    for server in (first, second):
        response = give_password(client_from(server, ATTACKER), account.email, "wrong wrong")
        assert response.status_code == 400
    assert give_password(client_from(first, ATTACKER), account.email, "wrong").status_code == 400
    refused = give_password(client_from(second, ATTACKER), account.email, "wrong wrong")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 300
    text = visible(refused)
    assert "Too many attempts" in text
    assert "You can try again after" in text and "(UK time)" in text
    # Another client is not affected.
    assert give_password(client_from(second, OWNER), account.email, "wrong").status_code == 400


def _translated(locale: str, message: str) -> str:
    if locale == "en":
        return message
    catalogue = ROOT / "translations"
    translations = Translations.load(str(catalogue), [locale])
    translated = translations.gettext(message)
    assert translated != message, f"{locale} has no translation of {message!r}"
    return translated


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_a_limited_resident_is_told_in_their_language(servers, locale):
    (server,) = servers(1, RATE_LIMITS={"tracking": (1, 900)})
    filed = file_request(server)
    client = client_from(server, ATTACKER)
    email = unique_email()
    assert ask_for_code(client, filed.reference, email, locale).status_code == 303
    refused = ask_for_code(client, filed.reference, email, locale)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    text = visible(refused)
    assert _translated(locale, "Too many attempts") in text
    assert f'lang="{locale}"' in refused.get_data(as_text=True)


def test_fifty_wrong_passwords_do_not_lock_the_owner_out(servers):
    first, second = servers()
    account = make_account(first)
    statuses = [
        give_password(client_from(first, ATTACKER), account.email, f"guess {n}").status_code
        for n in range(50)
    ]
    limit = DEFAULT_LIMITS["staff_sign_in"].count
    assert statuses[:limit] == [400] * limit
    assert set(statuses[limit:]) == {429}
    started = time.monotonic()
    response = sign_in(client_from(second, OWNER), account)
    assert response.location == "/staff/"
    assert time.monotonic() - started < 5


def test_fifty_lookups_by_a_stranger_do_not_stop_the_requester(servers):
    first, second = servers()
    filed = file_request(first)
    attacker = client_from(first, ATTACKER)
    statuses = [
        ask_for_code(attacker, filed.reference, email).status_code
        for email in [filed.email] * 5 + [unique_email() for _ in range(45)]
    ]
    assert 429 in statuses and statuses[-1] == 429
    codes_before = jobs_for(first, filed.id, "email.tracking_code")
    owner = client_from(second, OWNER)
    assert ask_for_code(owner, filed.reference, filed.email).status_code == 303
    assert jobs_for(first, filed.id, "email.tracking_code") == codes_before + 1
    response = enter_code(owner, latest_code(first, filed.id))
    assert response.location == "/en/track/status"


def test_submissions_and_uploads_are_limited_per_client(servers):
    (server,) = servers(1, RATE_LIMITS={"submission": (1, 3600), "upload": (2, 3600)})
    client = client_from(server, ATTACKER)
    assert complete_access_journey(client).status_code == 303  # 1 upload, 1 submission
    complete_access_journey(client, send=False)  # the second upload
    refused = submit(client, "/en/get-a-copy/check", {})
    assert refused.status_code == 429
    assert "Too many attempts" in visible(refused)
    start(client, "en", "get-a-copy")
    for step, data in PERSON.items():
        answer(client, "en", "get-a-copy", step, data)
    for step, data in ACCESS_ANSWERS.items():
        answer(client, "en", "get-a-copy", step, data)
    third_upload = submit(
        client, "/en/get-a-copy/identity", {"how": "upload"}, files=identity_files()
    )
    assert third_upload.status_code == 429
    # Another client sends theirs.
    assert complete_access_journey(client_from(server, OWNER)).status_code == 303


def test_behind_a_proxy_each_forwarded_client_counts_apart(servers):
    (server,) = servers(1, TRUST_PROXY=True, TRUST_PROXY_COUNT=1)
    account = make_account(server)
    proxy = client_from(server, "10.0.0.1")
    limit = DEFAULT_LIMITS["staff_sign_in"].count
    for _ in range(limit):
        proxy.environ_base["HTTP_X_FORWARDED_FOR"] = ATTACKER
        give_password(proxy, account.email, "wrong wrong")
    proxy.environ_base["HTTP_X_FORWARDED_FOR"] = ATTACKER
    assert give_password(proxy, account.email, "wrong").status_code == 429
    other = client_from(server, "10.0.0.1")
    other.environ_base["HTTP_X_FORWARDED_FOR"] = f"{ATTACKER}, {OWNER}"  # spoofed first entry
    assert give_password(other, account.email, "wrong").status_code == 400


def test_a_full_hashing_slot_answers_at_once_instead_of_queueing(servers):
    (server,) = servers(1)
    account = make_account(server)
    client = client_from(server, OWNER)
    passwords.limit_concurrent_hashes(1)
    slots = passwords._slots
    assert slots.acquire(blocking=False)
    try:
        started = time.monotonic()
        response = give_password(client, account.email, account.password)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "2"
        assert time.monotonic() - started < 3  # refused, not queued behind the slot
    finally:
        slots.release()
    assert give_password(client, account.email, account.password).status_code == 303


def test_a_refused_client_costs_no_counter_write_until_its_window_ends(servers):
    (server,) = servers(1, RATE_LIMITS={"upload": (1, 60)})
    backend = server.extensions["rate_limiter"]
    calls = []
    real_hit = backend.hit
    backend.hit = lambda *args: calls.append(args) or real_hit(*args)
    with server.app_context():
        assert check(server, "upload", "client-a", now=1_000_020.0) is None
        # The window is [1_000_020, 1_000_080): over the limit, try again when it ends.
        assert check(server, "upload", "client-a", now=1_000_021.0) == 59
        assert check(server, "upload", "client-a", now=1_000_050.0) == 30
        assert len(calls) == 2  # the third was answered from memory
        assert check(server, "upload", "client-a", now=1_000_081.0) is None  # a new window


def test_limits_can_be_set_from_the_environment():
    assert rate_limit_overrides("staff_sign_in=5/300, upload=30/3600") == {
        "staff_sign_in": (5, 300),
        "upload": (30, 3600),
    }
    assert rate_limit_overrides("") == {}


NONCE_IN_PAGE = re.compile(r'<script nonce="([^"]+)"')


def _nonces(response) -> tuple[str, str]:
    """The nonce the CSP header allows and the one the page's inline script carries."""
    policy = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    page = NONCE_IN_PAGE.search(response.get_data(as_text=True))
    assert policy and page
    return policy.group(1), page.group(1)


def _gate(server) -> RefusalGate:
    layer = server.wsgi_app
    while not isinstance(layer, RefusalGate):
        layer = layer.app  # ProxyFix, when the server trusts a proxy
    return layer


def test_a_refused_client_is_answered_at_the_door_with_the_same_page(servers):
    (server,) = servers(1, RATE_LIMITS={"tracking": (1, 900)})
    reached_flask: list[str] = []
    server.before_request(lambda: reached_flask.append(request.path) and None)
    filed = file_request(server)
    attacker = client_from(server, ATTACKER)
    assert ask_for_code(attacker, filed.reference, unique_email(), "pl").status_code == 303
    first = ask_for_code(attacker, filed.reference, unique_email(), "pl")
    assert first.status_code == 429
    reached = len(reached_flask)
    again = ask_for_code(attacker, filed.reference, unique_email(), "pl")
    # ask_for_code GETs the form (through Flask) and posts it: the post never reached Flask.
    assert reached_flask[reached:] == ["/pl/track"]
    assert again.status_code == 429
    assert visible(again) == visible(first)
    assert _translated("pl", "Too many attempts") in visible(again)
    assert 'lang="pl"' in again.get_data(as_text=True)
    assert 1 <= int(again.headers["Retry-After"]) <= int(first.headers["Retry-After"])
    assert "Set-Cookie" not in again.headers
    header_nonce, page_nonce = _nonces(again)
    assert header_nonce == page_nonce  # the page's script still runs under the policy
    assert header_nonce != _nonces(first)[0]  # and the nonce is new for each answer
    # The same client can still read pages, and anyone else is served as before.
    assert attacker.get("/pl/track").status_code == 200
    owner = client_from(server, OWNER)
    assert ask_for_code(owner, filed.reference, filed.email, "pl").status_code == 303


def test_a_refused_client_that_keeps_posting_is_held_while_a_slot_is_free(servers):
    (server,) = servers(1, REFUSAL_DELAY_SLOTS=1, RATE_LIMITS={"staff_sign_in": (1, 300)})
    account = make_account(server)
    attacker = client_from(server, ATTACKER)
    assert give_password(attacker, account.email, "wrong").status_code == 400
    assert give_password(attacker, account.email, "wrong").status_code == 429

    def timed_post() -> tuple[int, float]:
        token = page_token(attacker, "/staff/sign-in")
        started = time.monotonic()
        response = attacker.post(
            "/staff/sign-in",
            data={"csrf_token": token, "email": account.email, "password": "wrong"},
        )
        return response.status_code, time.monotonic() - started

    status, held = timed_post()
    assert status == 429 and held >= REFUSAL_DELAY_SECONDS * 0.9
    slots = _gate(server).delay_slots
    assert slots is not None and slots.acquire(blocking=False)  # every slot taken
    try:
        status, held = timed_post()
        assert status == 429 and held < REFUSAL_DELAY_SECONDS / 2  # answered, not queued
    finally:
        slots.release()


def test_gunicorn_leaves_two_threads_of_each_worker_free_of_refused_clients(monkeypatch):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["worker_class"] == "gthread"
    for threads, slots in ((settings["threads"], settings["threads"] - 2), (2, 0), (1, 0)):
        monkeypatch.delenv("REFUSAL_DELAY_SLOTS", raising=False)
        settings["post_fork"](None, SimpleNamespace(cfg=SimpleNamespace(threads=threads)))
        assert os.environ["REFUSAL_DELAY_SLOTS"] == str(slots)
        assert settings_from_environment(ROOT / "instance")["REFUSAL_DELAY_SLOTS"] == slots
