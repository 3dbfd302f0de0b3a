"""Building and filing an email: UTF-8, language-tagged, one file per message."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.headerregistry import Address

from portal.jobs import mail


def polish_message():
    return mail.build_message(
        sender="Think Family portal <noreply@localhost>",
        to=Address(display_name="Zofia Wójcik", addr_spec="zofia@example.com"),
        reply_to="dataprotection@example.gov.uk",
        subject="Otrzymaliśmy Twój wniosek (TF-ABC1234)",
        body="Dzień dobry,\n\nżółć " * 40,
        language="pl",
        message_id="<job-1.1700000000@localhost>",
    )


def test_a_message_is_utf8_plain_text_tagged_with_its_language():
    message = polish_message()
    assert message["Content-Language"] == "pl"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["Message-ID"] == "<job-1.1700000000@localhost>"
    assert message["Auto-Submitted"] == "auto-generated"
    raw = message.as_bytes()
    assert raw.isascii()  # survives any relay, 8BITMIME or not
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Otrzymaliśmy Twój wniosek (TF-ABC1234)"
    assert str(parsed["To"]) == "Zofia Wójcik <zofia@example.com>"
    assert "żółć" in parsed.get_content()


def test_without_a_mail_server_each_message_is_written_to_its_own_file(tmp_path):
    config = {"MAIL_SERVER": "", "MAIL_FILE_DIR": str(tmp_path / "mail")}

    mail.send(polish_message(), config, job_id=7)
    mail.send(polish_message(), config)

    files = sorted(p.name for p in (tmp_path / "mail").iterdir())
    assert len(files) == 2
    assert all(name.endswith(".eml") for name in files)
    assert sum(name.endswith("-job7.eml") for name in files) == 1
    parsed = message_from_bytes((tmp_path / "mail" / files[0]).read_bytes(), policy=policy.default)
    assert parsed["Content-Language"] == "pl"
