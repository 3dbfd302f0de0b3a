"""A real SMTP server on loopback (aiosmtpd), and apps whose mail settings point at it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from portal.extensions import db
from tests.conftest import make_app


def free_port() -> int:
    """A loopback port nothing listens on (until a test starts a server there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    """Collects every message delivered to it; start() and stop() like a real outage."""

    port: int
    received: list[Received] = field(default_factory=list)
    _controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.recipients]


@pytest.fixture()
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server on a free loopback port, not yet started (tests decide when it is up)."""
    server = SmtpServer(port=free_port())
    yield server
    server.stop()


@pytest.fixture()
def mail_app(app, database_url, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Builds apps on the migrated test database with the given mail settings."""
    built: list[Flask] = []

    def build(**settings: Any) -> Flask:
        settings.setdefault("MAIL_FILE_DIR", str(tmp_path / "mail"))
        mail_app = make_app(database_url, tmp_path, **settings)
        built.append(mail_app)
        return mail_app

    yield build
    for each in built:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def smtp_app(mail_app, smtp_server) -> Flask:
    return mail_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


def eml_files(directory: Path) -> list[EmailMessage]:
    messages = []
    for path in sorted(directory.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages
