"""A picture too big to check is refused with words that say what to do, in the resident's
language (issue 15 point 5): the 131 KB, 6300 x 6300 PNG from the security review."""

from __future__ import annotations

import io

import pytest

from tests.conftest import translated
from tests.journeys import PERSON, answer, png_bytes, start, submit
from tests.unit.evidence.test_decode_budget import white_png
from tests.visible import visible_text

TOO_BIG = "The picture %(name)s is too big. Take a photo with a lower resolution, or send a PDF"


def _to_identity(client, locale: str) -> None:
    start(client, locale, "get-a-copy")
    for step, data in PERSON.items():
        answer(client, locale, "get-a-copy", step, data)
    answer(client, locale, "get-a-copy", "identifiers", {})
    answer(client, locale, "get-a-copy", "what", {"scope": "everything"})
    answer(client, locale, "get-a-copy", "delivery", {"delivery": "post"})


@pytest.mark.parametrize("locale", ["en", "ur", "pl"])
def test_the_6300_square_png_is_refused_with_what_to_do_instead(app, locale):
    client = app.test_client()
    _to_identity(client, locale)
    files = {
        "photo_id": (io.BytesIO(png_bytes()), "passport.png"),
        "proof_of_address": (io.BytesIO(white_png(6300, 6300)), "bill.png"),
    }
    response = submit(client, f"/{locale}/get-a-copy/identity", {"how": "upload"}, files=files)
    assert response.status_code == 400
    text = visible_text(response.get_data(as_text=True))
    assert translated(locale, TOO_BIG) % {"name": "bill.png"} in text
