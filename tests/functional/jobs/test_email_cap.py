"""No email bombing (issue 15 point 6): confirmation and tracking-code emails to one
address are capped per day; the requests are still saved and the page says what to do.

The suite's apps lift the cap (tests/conftest.py); these build apps with the default one.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select

from portal.cases import tracking
from portal.cases.email_cap import EmailCap
from portal.cases.models import Case, LookupAttempt
from portal.config import settings_from_environment
from portal.extensions import db
from portal.outbox import Job
from tests.conftest import translated
from tests.functional.jobs.test_email_delivery import work_until_idle
from tests.journeys import PERSON, complete_access_journey, submit
from tests.visible import visible_text

CAP = 3
WITHHELD = (
    "We have not sent an email to %(email)s about this request, because this address has "
    "reached its daily email limit (%(limit)s). Your request is saved."
)
CODE_PAGE = (
    "Each email address has a daily email limit (%(limit)s). If yours has reached it today, "
    "no further email was sent: try again tomorrow, or contact us and quote your reference "
    "number."
)
SENT = "We have sent a confirmation to %(email)s."


def test_the_default_cap_is_three_emails_a_day(tmp_path):
    assert settings_from_environment(tmp_path)["EMAILS_PER_ADDRESS_PER_DAY"] == CAP


def says(page: str, message: str, **values: object) -> bool:
    """Whether the visible text shows `message` with `values`, allowing for the spaces
    visible_text puts around inline elements (the address is in its own <bdi>)."""
    pattern = r"\s*".join(
        re.escape(part.strip()) if not part.startswith("%(") else re.escape(str(values[part[2:-2]]))
        for part in re.split(r"(%\(\w+\)s)", message)
        if part.strip()
    )
    return re.search(pattern, page) is not None


def _send_request(app, locale: str, email: str) -> str:
    """The whole access journey with `email`; the visible text of the sent page."""
    client = app.test_client()
    person = dict(PERSON, contact=dict(PERSON["contact"], email=email))
    response = complete_access_journey(client, locale, person=person)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return visible_text(page.get_data(as_text=True))


def test_seven_requests_to_one_address_are_all_saved_and_three_emailed(mail_app, smtp_server):
    smtp_server.start()
    app = mail_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, EMAILS_PER_ADDRESS_PER_DAY=CAP
    )
    address = f"bombed-{uuid.uuid4().hex[:10]}@example.com"
    # The same address however it is typed: case and surrounding spaces do not matter.
    typed = [address, address.upper(), address, f" {address} ", address, address, address]
    locales = ["en", "en", "en", "en", "pl", "en", "ur"]
    pages = [
        _send_request(app, locale, email) for locale, email in zip(locales, typed, strict=True)
    ]

    for email, page in zip(typed[:CAP], pages[:CAP], strict=True):
        assert says(page, SENT, email=email.strip())
    for locale, email, page in list(zip(locales, typed, pages, strict=True))[CAP:]:
        assert says(page, translated(locale, WITHHELD), email=email.strip(), limit=CAP), page
        assert not says(page, translated(locale, SENT), email=email.strip())
    work_until_idle(app)
    recipients = [r.strip().lower() for each in smtp_server.received for r in each.recipients]
    assert recipients.count(address) == CAP
    with app.app_context():
        saved = db.session.scalar(
            select(func.count(Case.id))
            .join(Case.requester)
            .where(func.lower(func.trim(Case.requester.property.mapper.class_.email)) == address)
        )
        assert saved == 7
        # Only a keyed hash of the address is kept for the count.
        hashes = db.session.scalars(select(LookupAttempt.key_hash)).all()
        assert all(address not in value for value in hashes)


def test_tracking_codes_to_one_address_stop_at_the_cap_and_the_code_page_says_so(app):
    address = f"tracked-{uuid.uuid4().hex[:10]}@example.com"
    client = app.test_client()
    person = dict(PERSON, contact=dict(PERSON["contact"], email=address))
    complete_access_journey(client, "en", person=person)
    with app.app_context():
        case = db.session.scalar(
            select(Case)
            .join(Case.requester)
            .where(Case.requester.property.mapper.class_.email == address)
        )
        reference = case.reference
        cap = EmailCap(secret=app.config["SECRET_KEY"], per_day=CAP)
        codes_before = db.session.scalar(
            select(func.count(Job.id)).where(Job.kind == "email.tracking_code")
        )
        for _ in range(CAP):  # fewer than the 5 lookups a reference may have in an hour
            tracking.start_tracking(
                db.session, reference=reference, email=address, secret=cap.secret, cap=cap
            )
        codes = db.session.scalar(
            select(func.count(Job.id)).where(Job.kind == "email.tracking_code")
        )
        # The confirmation email counts too: it and two codes make three; the third waits.
        assert codes - codes_before == CAP - 1
    response = submit(client, "/ur/track", {"reference": reference, "email": address}, follow=True)
    page = visible_text(response.get_data(as_text=True))
    # Said whether or not this address was capped, so it never tells a stranger that a
    # reference and an address match.
    assert says(page, translated("ur", CODE_PAGE), limit=app.config["EMAILS_PER_ADDRESS_PER_DAY"])
