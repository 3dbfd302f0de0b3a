"""Issue 17 point 5: with LOG_FORMAT=json, one JSON line per request, and nothing in it
about the person: no path or query string, no email address, no reference, no address."""

from __future__ import annotations

import json

import pytest

from tests.journeys import csrf_token

REFERENCE = "TF-7K3Q-9PMH"
EMAIL = "jo.bloggs@example.com"
FIELDS = {"time", "level", "event", "request_id", "method", "route", "status", "duration_ms"}


def request_lines(err: str) -> list[dict]:
    lines = [line for line in err.splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    return [entry for entry in entries if entry.get("event") == "request"]


@pytest.fixture()
def json_app(app, database_url, build_app, capsys):
    # Built inside the test, so its log handler writes to the captured standard error.
    return build_app(database_url, LOG_FORMAT="json")


def test_one_line_per_request_with_route_status_duration_and_id(json_app, capsys):
    client = json_app.test_client()
    capsys.readouterr()
    page = client.get(f"/en/track?reference={REFERENCE}&email={EMAIL}")
    client.post(
        "/en/track",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "reference": REFERENCE,
            "email": EMAIL,
        },
    )
    client.get(f"/staff/cases/{REFERENCE}")
    err = capsys.readouterr().err
    lines = request_lines(err)
    assert len(lines) == 3
    assert all(set(line) == FIELDS for line in lines)
    assert [(line["method"], line["route"]) for line in lines] == [
        ("GET", "/<locale>/track"),
        ("POST", "/<locale>/track"),
        ("GET", "/staff/cases/<reference>"),
    ]
    assert lines[0]["status"] == 200 and lines[2]["status"] in (302, 303)
    assert all(line["duration_ms"] > 0 and line["level"] == "info" for line in lines)
    assert page.headers["X-Request-ID"] == lines[0]["request_id"]
    assert len({line["request_id"] for line in lines}) == 3
    for secret in (REFERENCE, EMAIL, "example.com", "127.0.0.1", "?"):
        assert secret not in err, secret


def test_an_unrouted_path_is_logged_as_unmatched(json_app, capsys):
    capsys.readouterr()
    json_app.test_client().get(f"/en/cases/{REFERENCE}/letter")
    (line,) = request_lines(capsys.readouterr().err)
    assert (line["route"], line["status"]) == ("(unmatched)", 404)


def test_a_proxys_request_id_is_kept_only_behind_a_trusted_proxy(database_url, build_app, capsys):
    for trust, expected in ((True, "lb-7f3a9c21e0"), (False, None)):
        app = build_app(database_url, LOG_FORMAT="json", TRUST_PROXY=trust)
        capsys.readouterr()
        response = app.test_client().get("/en/", headers={"X-Request-ID": "lb-7f3a9c21e0"})
        (line,) = request_lines(capsys.readouterr().err)
        assert response.headers["X-Request-ID"] == line["request_id"]
        if expected:
            assert line["request_id"] == expected
        else:
            assert line["request_id"] != "lb-7f3a9c21e0"


def test_a_forwarded_id_that_could_carry_anything_is_replaced(database_url, build_app, capsys):
    app = build_app(database_url, LOG_FORMAT="json", TRUST_PROXY=True)
    capsys.readouterr()
    app.test_client().get("/en/", headers={"X-Request-ID": EMAIL})
    (line,) = request_lines(capsys.readouterr().err)
    assert EMAIL not in line["request_id"]


def test_text_format_logs_no_request_lines(app, capsys):
    capsys.readouterr()
    response = app.test_client().get("/en/")
    assert request_lines(capsys.readouterr().err) == []
    assert "X-Request-ID" not in response.headers


def test_an_unknown_log_format_stops_the_portal_starting(database_url, build_app):
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        build_app(database_url, LOG_FORMAT="xml")
