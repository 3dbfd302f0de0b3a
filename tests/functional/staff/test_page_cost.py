"""Issue 17 point 2: a staff page reads the session, the account and its permissions in
one statement (the session row joined to its live sign-in link and the account), lists
hubs from the council profile, and does not write the session on every click."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from portal.extensions import db
from tests.functional.staff.conftest import set_last_seen


@contextmanager
def statements(app) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_queue_reads_session_and_account_in_one_statement_and_writes_nothing(
    app, client, signed_in
):
    signed_in(client)
    assert client.get("/staff/queue").status_code == 200
    with statements(app) as seen:
        assert client.get("/staff/queue").status_code == 200
    sign_in_reads = [
        s for s in seen if "web_sessions" in s or "staff_sessions" in s or "staff_users" in s
    ]
    session_and_account, *others = sign_in_reads
    assert seen[0] == session_and_account
    assert "FROM web_sessions LEFT OUTER JOIN staff_sessions" in session_and_account
    assert "LEFT OUTER JOIN staff_users" in session_and_account
    # The only other account read is the list of staff a case can be assigned to.
    assert all("staff_users.role IN" in s for s in others) and len(others) <= 1
    assert not [s for s in seen if s.startswith(("UPDATE", "INSERT", "DELETE"))]
    assert not [s for s in seen if "DISTINCT cases.hub_source" in s]


def test_the_idle_clock_is_still_restarted_by_a_click(app, client, signed_in):
    signed_in(client)
    set_last_seen(client, timedelta(minutes=29))
    with statements(app) as seen:
        assert client.get("/staff/queue").status_code == 200
    assert [s for s in seen if s.startswith("UPDATE web_sessions")]
    set_last_seen(client, timedelta(minutes=29))
    assert client.get("/staff/queue").status_code == 200  # still signed in


def test_a_page_view_that_changes_no_session_takes_one_connection(app, client, signed_in):
    """The session is saved without a connection when nothing in it changed (most clicks):
    the page's own reads share the one connection the request checked out."""
    signed_in(client)
    assert client.get("/staff/queue").status_code == 200
    checkouts: list[object] = []

    def record(dbapi_connection, connection_record, connection_proxy):
        checkouts.append(connection_record)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", record)
    try:
        assert client.get("/staff/queue").status_code == 200
    finally:
        event.remove(engine, "checkout", record)
    assert len(checkouts) == 1
