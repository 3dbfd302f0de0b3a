"""Helpers that walk the request journeys as a browser would: GET the page, then POST it
with the CSRF token the page gave."""

from __future__ import annotations

import io
import re

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


def identity_files():
    return {
        "photo_id": (io.BytesIO(png_bytes()), "passport.png"),
        "proof_of_address": (io.BytesIO(png_bytes((20, 90, 200))), "council-tax.png"),
    }


def complete_access_journey(client, locale: str = "en", *, person=PERSON, send: bool = True):
    start(client, locale, "get-a-copy")
    for step, data in person.items():
        answer(client, locale, "get-a-copy", step, data)
    answer(
        client,
        locale,
        "get-a-copy",
        "identifiers",
        {"ni_number": "ab 12 34 56 c", "nhs_number": "943 476 5919", "other_references": ""},
    )
    answer(
        client,
        locale,
        "get-a-copy",
        "what",
        {"scope": "agencies", "agencies": ["police", "schools"]},
    )
    answer(
        client,
        locale,
        "get-a-copy",
        "delivery",
        {"delivery": "download", "formats": ["large_print"]},
    )
    answer(client, locale, "get-a-copy", "identity", {"how": "upload"}, files=identity_files())
    answer(client, locale, "get-a-copy", "declaration", {"confirm": "y"})
    if not send:
        return None
    return submit(client, f"/{locale}/get-a-copy/check", {})


def complete_objection_journey(client, locale: str = "en", *, person=PERSON, send: bool = True):
    start(client, locale, "object")
    for step, data in person.items():
        answer(client, locale, "object", step, data)
    answer(
        client,
        locale,
        "object",
        "processing",
        {"processing": ["national_study", "sharing"], "agencies": ["police"]},
    )
    answer(client, locale, "object", "reasons", {"reasons": "My ex-partner works for the police."})
    answer(client, locale, "object", "identity", {"how": "hub"})
    answer(client, locale, "object", "declaration", {"confirm": "y"})
    if not send:
        return None
    return submit(client, f"/{locale}/object/check", {})
