"""Helpers that walk the request journeys as a browser would: GET the page, then POST it
with the CSRF token the page gave."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def submit(
    client, url: str, data: dict, *, files: dict | None = None, follow: bool = False, action=None
):
    """GET url for its CSRF token, then POST the data to it (or to `action`)."""
    page = client.get(url)
    assert page.status_code == 200, f"{url}: {page.status_code}"
    payload = dict(data)
    payload["csrf_token"] = csrf_token(page.get_data(as_text=True))
    url = action or url
    if not files:
        return client.post(url, data=payload, follow_redirects=follow)
    # Encode the multipart body in memory: Werkzeug's test client would spool a large one
    # to a temporary file that it never closes.
    fields = MultiDict()
    for key, value in payload.items():
        for item in value if isinstance(value, list) else [value]:
            fields.add(key, item)
    for key, (stream, filename) in files.items():
        fields.add(key, FileStorage(stream=stream, filename=filename))
    stream, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        url,
        input_stream=stream,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
        follow_redirects=follow,
    )


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buffer, "PNG")
    return buffer.getvalue()


PERSON = {
    "who": {"acting_for": "myself"},
    "name": {"full_name": "Anna Kowalska", "other_names": "Anna Nowak"},
    "date-of-birth": {
        "date_of_birth-day": "14",
        "date_of_birth-month": "2",
        "date_of_birth-year": "1988",
    },
    "address": {
        "address": "12 Westgate\nWakefield",
        "postcode": "wf1 2eb",
        "previous_addresses": "",
    },
    "contact": {
        "email": "anna@example.com",
        "postal_address": "",
        "phone": "07700 900123",
        "letters_language": "pl",
    },
}


def start(client, locale: str, path: str):
    response = client.get(f"/{locale}/{path}/begin")
    assert response.status_code == 303
    return response


def answer(client, locale: str, path: str, step: str, data: dict, files=None):
    response = submit(client, f"/{locale}/{path}/{step}", data, files=files)
    assert response.status_code == 303, (
        f"{step}: {response.status_code} {response.get_data(as_text=True)[:3000]}"
    )
    return response


def identity_files(*, for_someone_else: bool = False):
    files = {
        "photo_id": (io.BytesIO(png_bytes()), "passport.png"),
        "proof_of_address": (io.BytesIO(png_bytes((20, 90, 200))), "council-tax.png"),
    }
    if for_someone_else:
        files["authority"] = (io.BytesIO(png_bytes((20, 160, 60))), "birth-certificate.png")
    return files


ACCESS_ANSWERS = {
    "identifiers": {
        "ni_number": "ab 12 34 56 c",
        "nhs_number": "943 476 5919",
        "other_references": "",
    },
    "what": {"scope": "agencies", "agencies": ["police", "schools"]},
    "delivery": {"delivery": "download", "formats": ["large_print"]},
}


def complete_access_journey(
    client, locale: str = "en", *, person=PERSON, send: bool = True, answers=None
):
    """The whole journey; `answers` replaces the default answer of any of ACCESS_ANSWERS'
    steps. Someone asking for another person also sends proof that they may act."""
    start(client, locale, "get-a-copy")
    for step, data in person.items():
        answer(client, locale, "get-a-copy", step, data)
    for step, data in {**ACCESS_ANSWERS, **(answers or {})}.items():
        answer(client, locale, "get-a-copy", step, data)
    someone_else = person["who"]["acting_for"] != "myself"
    files = identity_files(for_someone_else=someone_else)
    answer(client, locale, "get-a-copy", "identity", {"how": "upload"}, files=files)
    answer(client, locale, "get-a-copy", "declaration", {"confirm": "y"})
    if not send:
        return None
    return submit(client, f"/{locale}/get-a-copy/check", {})


OBJECTION_ANSWERS = {
    "processing": {"processing": ["national_study", "sharing"], "agencies": ["police"]},
    "reasons": {"reasons": "My ex-partner works for the police."},
    "restrict": {"restrict": "yes"},
}


def complete_objection_journey(
    client, locale: str = "en", *, person=PERSON, send: bool = True, answers=None
):
    """The whole journey; `answers` replaces the default answer of any of
    OBJECTION_ANSWERS' steps."""
    start(client, locale, "object")
    for step, data in person.items():
        answer(client, locale, "object", step, data)
    for step, data in {**OBJECTION_ANSWERS, **(answers or {})}.items():
        answer(client, locale, "object", step, data)
    answer(client, locale, "object", "identity", {"how": "hub"})
    answer(client, locale, "object", "declaration", {"confirm": "y"})
    if not send:
        return None
    return submit(client, f"/{locale}/object/check", {})


# Walking every page of a journey, its error states included --------------------------


# What each question page is given, in order: answers it must refuse (each shows the page
# again with its error summary), then answers it accepts. For someone else, the subject
# is a child or an adult who gave written permission; the contact details are the
# requester's.
def _refused_and_accepted(step: str, acting_for: str) -> tuple[list[dict], dict]:
    myself = acting_for == "myself"
    date_of_birth = {
        "date_of_birth-day": "14",
        "date_of_birth-month": "2",
        "date_of_birth-year": "1988" if acting_for != "my_child" else "2012",
    }
    steps: dict[str, tuple[list[dict], dict]] = {
        "who": ([{}], {"acting_for": acting_for}),
        "you": (
            [{}],
            {
                "requester_name": "Maria Popescu",
                "relationship": "Mother" if acting_for == "my_child" else "Solicitor",
            },
        ),
        "authority": (
            [{}, {"authority": "a cousin"}],
            {"authority": "lasting_power_of_attorney"},
        ),
        "name": (
            [{}],
            {"full_name": "Anna Kowalska" if myself else "Zofia Kowalska", "other_names": ""},
        ),
        "date-of-birth": (
            [
                {},
                {**date_of_birth, "date_of_birth-year": "88"},  # Year must include 4 numbers
                {**date_of_birth, "date_of_birth-day": ""},
                {**date_of_birth, "date_of_birth-day": "31", "date_of_birth-month": "2"},
                {**date_of_birth, "date_of_birth-year": "2999"},
            ],
            date_of_birth,
        ),
        "address": (
            [{}, {"address": "12 Westgate", "postcode": "not a postcode"}],
            PERSON["address"],
        ),
        "contact": (
            [{"letters_language": "en"}, {"email": "not an address", "letters_language": "en"}],
            {
                **PERSON["contact"],
                "email": "maria@example.com" if not myself else "anna@example.com",
            },
        ),
        "identifiers": ([{"ni_number": "AB123", "nhs_number": "12345"}], {}),
        "what": (
            [
                {},
                {
                    "scope": "agencies",
                    "date_from-day": "1",
                    "date_from-month": "13",
                    "date_from-year": "2020",
                },
            ],
            {"scope": "agencies", "agencies": ["police", "schools"]},
        ),
        "delivery": (
            [{}, {"delivery": "download", "formats": ["other"]}],
            {"delivery": "download", "formats": ["large_print"]},
        ),
        "processing": (
            [{}, {"processing": ["sharing"]}],
            {"processing": ["national_study", "sharing"], "agencies": ["police"]},
        ),
        "reasons": ([{}], {"reasons": "My ex-partner works for the police."}),
        "restrict": ([{}, {"restrict": "maybe"}], {"restrict": "yes"}),
        "identity": ([{}, {"how": "upload"}], {"how": "upload" if myself else "hub"}),
        "declaration": ([{}], {"confirm": "y"}),
    }
    return steps[step]


@dataclass(frozen=True)
class ShownPage:
    label: str  # which page and which state: "date-of-birth", "date-of-birth refused 2"
    status: int
    html: str


def journey_pages(client, locale: str, path: str, acting_for: str, *, refusals: int = 10):
    """Every page a resident meets on a journey, in order: the start page, each question
    page (and the page again for each answer it refuses, up to `refusals` of them), check
    your answers, and the confirmation after sending. Asserts each status on the way."""
    shown: list[ShownPage] = []

    def show(label: str, url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        html = response.get_data(as_text=True)
        shown.append(ShownPage(label, 200, html))
        return html

    show("start", f"/{locale}/{path}")
    url = start(client, locale, path).location
    while not url.endswith("/check"):
        step = url.rsplit("/", 1)[-1]
        show(step, url)
        refused, accepted = _refused_and_accepted(step, acting_for)
        for number, data in enumerate(refused[:refusals], start=1):
            response = submit(client, url, data)
            assert response.status_code == 400, f"{url} accepted {data}"
            shown.append(
                ShownPage(f"{step} refused {number}", 400, response.get_data(as_text=True))
            )
        files = identity_files() if step == "identity" and accepted["how"] == "upload" else None
        response = submit(client, url, accepted, files=files)
        assert response.status_code == 303, f"{url}: {response.status_code}"
        url = response.location
    show("check", url)
    sent = submit(client, url, {})
    assert sent.status_code == 303, f"{url}: {sent.status_code}"
    show("sent", sent.location)
    return shown
