"""Sending one email: over SMTP when MAIL_SERVER is set, else into a file (embedded mode).

The embedded mode needs no mail server: each message is written as an .eml file under
MAIL_FILE_DIR (instance/mail by default), which any mail client opens.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from portal.instants import utc_now

SMTP_TIMEOUT_SECONDS = 10


def build_message(
    *,
    sender: str,
    to: Address,
    subject: str,
    body: str,
    language: str,
    message_id: str,
    reply_to: str = "",
    now: datetime | None = None,
) -> EmailMessage:
    """A plain-text UTF-8 email that says which language it is in."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(now or utc_now())
    message["Message-ID"] = message_id
    # RFC 3834: tells mail servers not to send out-of-office replies to a no-reply sender.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable: safe through any relay, and the English stays readable in the file.
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = language
    return message


def send(message: EmailMessage, config: Mapping[str, Any], *, job_id: int | None = None) -> None:
    """Deliver one message, or raise (the worker retries).

    With MAIL_SERVER set: SMTP with a 10 second timeout, STARTTLS when MAIL_USE_STARTTLS,
    and a login when MAIL_USERNAME is set. Without it: a file named after the time and the
    job, so files sort in the order they were sent.
    """
    if config.get("MAIL_SERVER"):
        _send_smtp(message, config)
    else:
        _write_file(message, Path(config["MAIL_FILE_DIR"]), job_id)


def _send_smtp(message: EmailMessage, config: Mapping[str, Any]) -> None:
    with smtplib.SMTP(
        config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=SMTP_TIMEOUT_SECONDS
    ) as smtp:
        if config.get("MAIL_USE_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)


def _write_file(message: EmailMessage, directory: Path, job_id: int | None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utc_now().strftime("%Y%m%dT%H%M%S.%fZ")
    name = f"{stamp}-job{job_id}" if job_id is not None else f"{stamp}-{uuid.uuid4().hex}"
    path = directory / f"{name}.eml"
    # Written under a temporary name first, so a reader never sees half a message.
    partial = directory / f".{name}.partial"
    partial.write_bytes(message.as_bytes())
    os.replace(partial, path)
    return path
