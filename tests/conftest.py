"""Fixtures shared by every test: the app on a migrated database, a client, page checks.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is
set (CI sets it). Either way the schema comes from the real migrations.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from portal import create_app
from portal.accounts import passwords
from portal.cases.scenarios import Scenarios
from portal.extensions import Base, db

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
# The shipped languages written right to left: Urdu and Sorani Kurdish (both in Arabic script).
RIGHT_TO_LEFT = frozenset({"ur", "ckb"})


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.sqlite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


def make_app(database_url: str, instance_path: Path, **overrides):
    os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "PUBLIC_BASE_URL": "http://portal.test",
        # Deletions are written down in the test's own folder, never the worktree's.
        "DELETION_LEDGER": str(instance_path / "deletion-ledger.jsonl"),
        # A worker loop in a test must not apply the retention schedule to the shared test
        # database (tests/functional/test_retention.py turns it on, on a database of its own).
        "RETENTION_DAILY": False,
        # The suite sends many requests from the same example address on one shared
        # database; tests/functional/jobs/test_email_cap.py builds apps with the real cap.
        "EMAILS_PER_ADDRESS_PER_DAY": 10_000,
        # The suite's one app signs in and tracks hundreds of times from one address: the
        # per-client limits are tested on apps of their own (tests/functional/test_rate_limits.py).
        "RATE_LIMITS_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


@contextmanager
def own_database(database_url: str, tmp_path: Path, name: str) -> Iterator[str]:
    """An empty database of the same engine as the suite's, dropped afterwards: on
    PostgreSQL a database beside the suite's own (its name ending in `name`), on SQLite a
    new file. For tests that tamper with rows or move the schema up and down."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        return
    url = make_url(database_url)
    database = f"{url.database}_{name}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        yield url.set(database=database).render_as_string(hide_password=False)
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        server.dispose()


@contextmanager
def throwaway_session(url: str) -> Iterator[Session]:
    """A session on a database whose tables come from the models (create_all), not the
    migrations: the domain without Flask (tests/unit/cases)."""
    from portal import outbox
    from portal.accounts import models as account_models
    from portal.cases import audit, department_request_models
    from portal.cases import casework_models as cm
    from portal.cases import models as case_models

    # their tables are in the metadata
    assert case_models and cm and outbox and account_models and department_request_models
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            session.add(case_models.AuditHead(id=1, last_hash=audit.GENESIS_HASH))
            session.commit()
            yield session
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        if database_url.startswith("postgresql"):
            # Start from an empty schema so that the migrations are what is tested.
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
    yield app
    with app.app_context():
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def production_password_hasher() -> Iterator[PasswordHasher]:
    """Staff passwords hash with argon2id at its lowest cost while the tests run, as Django's
    own test settings do with a fast hasher: the production parameters take a third of a
    second a hash on this machine, and the suite creates and signs in hundreds of accounts.
    Yields the production hasher, which tests/unit/accounts/test_passwords.py checks."""
    production = passwords.HASHER
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._dummy_hash.cache_clear()
    yield production
    passwords.HASHER = production
    passwords._dummy_hash.cache_clear()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def app_session(app):
    """The app's database session, on the migrated schema (SQLite, or PostgreSQL when
    TEST_DATABASE_URL is set), in an app context; rolled back after the test."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture()
def session(app_session):
    """The session a test works on: the app's, unless its folder's conftest.py gives another
    (tests/unit/cases: a throwaway database, without Flask)."""
    return app_session


@pytest.fixture()
def cipher(app):
    """The app's evidence cipher, so the staff pages can open what a test encrypts."""
    return app.extensions["evidence_cipher"]


@pytest.fixture()
def scenarios(session, cipher) -> Scenarios:
    """The scenario builder (portal.cases.scenarios) on the test's session."""
    return Scenarios(session, cipher=cipher)


@contextmanager
def building(app, **staff: str) -> Iterator[Scenarios]:
    """The scenario builder in an app context of its own: for a test that drives the app's
    pages between building and reading back, and so must not hold a session open. `staff`
    names the caseworker or reviewer, where a test signs in as them."""
    with app.app_context():
        yield Scenarios(db.session, cipher=app.extensions["evidence_cipher"], **staff)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.html_attrs: dict[str, str | None] = {}
        self.script_nonces: list[str | None] = []
        self.inline_scripts = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"] or "")
        if tag == "html":
            self.html_attrs = attributes
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1
            self.script_nonces.append(attributes.get("nonce"))
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


class Page:
    def __init__(self, response, parser: _PageParser):
        self.response = response
        self.html = response.get_data(as_text=True)
        self.title = " ".join(parser.title.split())
        self.lang = parser.html_attrs.get("lang")
        self.dir = parser.html_attrs.get("dir")

    def text(self) -> str:
        # <bdi> only keeps a value's order in right-to-left text: it is no gap between words.
        without_isolates = re.sub(r"</?bdi\b[^>]*>", "", self.html)
        without_tags = re.sub(r"<[^>]+>", " ", without_isolates)
        return " ".join(without_tags.split())


def get_page(client, url: str, *, status: int = 200, lang: str | None = None, **kwargs) -> Page:
    """Fetch a page and check what every page must get right.

    Status; a title; <html lang> and dir matching the locale; no duplicate ids; every
    inline script carrying the nonce that the Content-Security-Policy header names.
    """
    response = client.get(url, **kwargs)
    assert response.status_code == status, f"{url}: {response.status_code}"
    assert response.mimetype == "text/html"
    parser = _PageParser()
    parser.feed(response.get_data(as_text=True))
    page = Page(response, parser)
    assert page.title, f"{url} has no <title>"
    expected_lang = lang or url.strip("/").split("/", 1)[0]
    assert page.lang == expected_lang, f"{url}: lang={page.lang}, expected {expected_lang}"
    expected_dir = "rtl" if expected_lang in RIGHT_TO_LEFT else "ltr"
    assert page.dir == expected_dir, f"{url}: dir={page.dir}"
    duplicates = [id_ for id_, count in Counter(parser.ids).items() if count > 1]
    assert not duplicates, f"{url} repeats ids {duplicates}"
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce, f"{url}: no nonce in the CSP"
    assert parser.inline_scripts >= 1
    assert all(n == nonce.group(1) for n in parser.script_nonces), f"{url}: script nonce mismatch"
    return page


def translated(locale: str, message: str) -> str:
    """A message as the shipped catalogue of a language translates it."""
    from babel.messages.pofile import read_po

    if locale == "en":
        return message
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalogue = read_po(fh)
    entry = catalogue.get(message)
    assert entry is not None and entry.string, f"{locale} lacks {message!r}"
    return entry.string
