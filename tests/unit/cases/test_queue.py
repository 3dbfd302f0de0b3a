"""The case queue and dashboard figures, called as plain functions on a throwaway database
(tables from the models, as in tests/unit/cases/conftest.py): a SQLite file, or a PostgreSQL
database beside the suite's own when TEST_DATABASE_URL names one, as the search differs by
engine."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text as sql
from werkzeug.datastructures import MultiDict

from portal.cases import intake, references
from portal.cases import queue as q
from portal.cases.models import ActingFor, Case, CaseKind, CaseState, Channel
from portal.cases.queue_search import search_condition
from portal.cases.scenario_requests import person
from portal.cases.scenario_steps import noon
from portal.cases.scenarios import Scenarios, received_for
from tests.conftest import own_database, throwaway_session

TODAY = date(2026, 3, 16)  # a Monday


@pytest.fixture()
def session(database_url, tmp_path):
    """A throwaway database of the suite's own engine: the search differs by engine."""
    with own_database(database_url, tmp_path, "queue") as url, throwaway_session(url) as session:
        yield session


def queued(
    scenarios: Scenarios,
    state: CaseState | None = None,
    *,
    due_on: date | None = TODAY,
    closed_at: datetime | None = None,
    name: str = "Anna Kowalska",
    **changes,
) -> Case:
    """A case in `state`, due on `due_on`, by the scenario builder: it arrived on the day
    that makes it due then, and a completed one closed at `closed_at`. Unless `state` says
    otherwise, in progress; undated, waiting for proof of identity (no clock yet)."""
    state = state or (CaseState.IN_PROGRESS if due_on else CaseState.AWAITING_IDENTITY)
    received = received_for(due_on) if due_on else noon(date(2026, 2, 16))
    subject = person(full_name=name)
    if closed_at is None:
        return scenarios.case_in(state, received=received, subject=subject, **changes)
    assert state == CaseState.COMPLETED
    case = scenarios.case_in(CaseState.READY, received=received, subject=subject, **changes)
    scenarios.complete(case, at=closed_at)
    return case


def all_pages(session, filters: q.QueueFilters, page_size: int) -> list[list[int]]:
    pages, after = [], None
    while True:
        page = q.queue_page(session, filters, today=TODAY, after=after, page_size=page_size)
        pages.append([row.case_id for row in page.rows])
        if page.next_cursor is None:
            return pages
        after = page.next_cursor


def test_due_soon_counts_working_days():
    # Monday 16 March 2026: the fifth working day after is Monday 23 March.
    assert q.due_soon_until(TODAY) == date(2026, 3, 23)
    # Thursday 2 April 2026: Good Friday and Easter Monday do not count.
    assert q.due_soon_until(date(2026, 4, 2)) == date(2026, 4, 13)
    # Friday 20 March: the fifth working day is Friday 27, and that weekend is still five away.
    assert q.due_soon_until(date(2026, 3, 20)) == date(2026, 3, 29)


def test_pages_return_every_case_once_in_due_order(session, scenarios):
    dues = [date(2026, 3, d) for d in (20, 17, 17, 25, 17, 30, 18)] + [None, None, None]
    cases = [queued(scenarios, due_on=due) for due in dues]
    queued(scenarios, CaseState.COMPLETED)  # closed: not in the default queue
    pages = all_pages(session, q.QueueFilters(), page_size=3)
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    seen = [case_id for page in pages for case_id in page]
    expected = sorted(cases, key=lambda c: (c.due_on is None, c.due_on or date.max, c.id))
    assert seen == [c.id for c in expected]


@pytest.mark.parametrize("order", [q.QueueOrder.NEWEST, q.QueueOrder.OLDEST])
def test_pages_in_the_order_requests_were_received(session, scenarios, order):
    """Issue 19 point 5: sorted by the day received, newest or oldest first, every open
    case once across pages (cases received the same day by id), whatever their due date."""
    dues = [date(2026, 3, d) for d in (20, 17, 17, 25, 17, 30, 18)] + [None, None]
    cases = [queued(scenarios, due_on=due) for due in dues]
    queued(scenarios, CaseState.COMPLETED)  # closed: not in the default queue
    pages = all_pages(session, q.QueueFilters(order=order), page_size=3)
    assert [len(p) for p in pages] == [3, 3, 3]
    seen = [case_id for page in pages for case_id in page]
    expected = sorted(cases, key=lambda c: (c.received_on, c.id))
    if order is q.QueueOrder.NEWEST:
        expected.reverse()
    assert seen == [c.id for c in expected]
    assert len({c.received_on for c in cases}) > 3  # the order is not the id's by chance
    searched = all_pages(session, q.QueueFilters(order=order, search="kowalska"), page_size=4)
    assert [i for page in searched for i in page] == [c.id for c in expected]


def test_page_boundary_on_the_last_dated_case(session, scenarios):
    dated = [queued(scenarios, due_on=date(2026, 3, 20)) for _ in range(2)]
    undated = [queued(scenarios, due_on=None) for _ in range(2)]
    pages = all_pages(session, q.QueueFilters(), page_size=2)
    assert pages == [[c.id for c in dated], [c.id for c in undated]]


def test_filters(session, scenarios):
    access = queued(scenarios, name="Jan Nowak", due_on=date(2026, 3, 10))
    objection = queued(
        scenarios,
        kind=CaseKind.OBJECTION,
        channel=Channel.PHONE,
        hub_source="castleford",
        due_on=date(2026, 3, 20),
    )
    later = queued(scenarios, CaseState.RECEIVED, due_on=date(2026, 4, 20))
    closed = queued(scenarios, CaseState.COMPLETED)
    scenarios.assign(objection, "staff:7")

    def ids(**filters) -> set[int]:
        page = q.queue_page(session, q.QueueFilters(**filters), today=TODAY)
        return {row.case_id for row in page.rows}

    assert ids() == {access.id, objection.id, later.id}
    assert ids(kinds=(CaseKind.OBJECTION,)) == {objection.id}
    assert ids(channels=(Channel.PHONE,)) == {objection.id}
    assert ids(hub_sources=("castleford",)) == {objection.id}
    assert ids(assignees=("staff:7",)) == {objection.id}
    assert ids(assignees=(q.UNASSIGNED,)) == {access.id, later.id}
    assert ids(states=(CaseState.RECEIVED,)) == {later.id}
    assert ids(states=(CaseState.COMPLETED,)) == {closed.id}
    assert ids(due=q.DueWindow.OVERDUE) == {access.id}
    assert ids(due=q.DueWindow.SOON) == {objection.id}
    assert ids(due=q.DueWindow.LATER) == {later.id}


def found(session, text: str) -> set[int]:
    page = q.queue_page(session, q.QueueFilters(search=text), today=TODAY)
    return {row.case_id for row in page.rows}


def test_search_by_reference_and_by_name(session, scenarios):
    anna = queued(scenarios, name="Anna Kowalska")
    jan = queued(scenarios, name="Jan Nowak")
    typed = anna.reference.lower().replace("-", " ")
    for text, expected in [
        (typed, {anna.id}),
        (anna.reference.removeprefix("TF-"), {anna.id}),
        ("nowak", {jan.id}),
        ("KOWAL", {anna.id}),
        ("100%_", set()),
    ]:
        assert found(session, text) == expected, text


@pytest.mark.parametrize("surname", ["Kowalska", "Williams", "Smithson"])
def test_a_name_that_reads_as_a_reference_is_searched_as_a_name_too(session, scenarios, surname):
    """Eight letters without a U are a reference's shape (O, I and L read as 0 and 1)."""
    assert references.normalise(surname) is not None
    theirs = {queued(scenarios, name=f"Maria {surname}").id for _ in range(2)}
    requester = queued(
        scenarios,
        name="Tomasz Nowak",
        requester=person(full_name=f"Ewa {surname}"),
        acting_for=ActingFor.SOMEONE_ELSE,
    )
    queued(scenarios, name="Jan Nowak")
    expected = theirs | {requester.id}
    for typed in (surname, surname.lower(), surname.upper(), f"  {surname.lower()} "):
        assert found(session, typed.strip()) == expected, typed


def test_a_reference_without_digits_finds_its_case_and_the_names_it_spells(
    session, scenarios, monkeypatch
):
    """A reference may be all letters (about one in twenty): typed without its hyphens it
    could be a name too, so both are shown."""
    letters = next(
        reference
        for reference in (references.new_reference() for _ in range(5000))
        if not any(symbol.isdigit() for symbol in reference)
    )
    with monkeypatch.context() as drawn:
        drawn.setattr(intake, "new_reference", lambda: letters)  # the draw gave it this one
        case = queued(scenarios, name="Anna Kowalska")
    assert case.reference == letters
    typed = letters.removeprefix("TF-").replace("-", "")
    named = queued(scenarios, name=f"Maria {typed.capitalize()}")
    queued(scenarios, name="Jan Nowak")
    for text in (typed, typed.lower(), letters):
        expected = {case.id, named.id} if text != letters else {case.id}
        assert found(session, text) == expected, text


@pytest.mark.parametrize("shape", ["as printed", "no hyphens", "lower case", "spaced"])
def test_a_full_reference_finds_its_case_through_the_reference_index(session, scenarios, shape):
    case = queued(scenarios, name="Anna Kowalska")
    queued(scenarios, name="Anna Kowalska")
    typed = {
        "as printed": case.reference,
        "no hyphens": case.reference.replace("-", ""),
        "lower case": case.reference.lower(),
        "spaced": case.reference.replace("-", " "),
    }[shape]
    assert found(session, typed) == {case.id}
    symbols = case.reference.removeprefix("TF-").replace("-", "")
    if any(s.isdigit() for s in symbols) and any(s.isalpha() for s in symbols):
        # A reference with a digit and a letter in it is only a reference: no one's name,
        # email or phone is read.
        condition = str(search_condition(session, typed).compile())
        assert "search_text" not in condition and "subject_id" not in condition
    plan = _plan(session, search_condition(session, typed))
    if session.get_bind().dialect.name == "sqlite":
        assert re.search(r"USING (COVERING )?INDEX sqlite_autoindex_cases_\d+ \(reference=", plan)
    else:
        assert "uq_cases_reference" in plan, plan


def _plan(session, condition) -> str:
    from sqlalchemy import select

    query = select(Case.id).where(condition)
    query_sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(sql(f"EXPLAIN QUERY PLAN {query_sql}")).all()
        return " ".join(str(row[-1]) for row in rows)
    session.execute(sql("SET enable_seqscan = off"))  # a tiny table: ask what index is used
    try:
        return " ".join(row[0] for row in session.execute(sql(f"EXPLAIN {query_sql}")))
    finally:
        session.execute(sql("RESET enable_seqscan"))


def test_parse_filters_drops_unknown_values():
    args = MultiDict(
        [
            ("kind", "access"),
            ("kind", "nonsense"),
            ("state", "received"),
            ("state", "'; drop table"),
            ("channel", "phone"),
            ("hub", "castleford"),
            ("hub", "unknown-hub"),
            ("assignee", "staff:3"),
            ("assignee", "staff:999"),
            ("due", "whenever"),
            ("q", "  TF-ABCD  "),
        ]
    )
    filters = q.parse_filters(args, hub_sources=["castleford"], assignees=["staff:3"])
    assert filters.kinds == (CaseKind.ACCESS,)
    assert filters.states == (CaseState.RECEIVED,)
    assert filters.channels == (Channel.PHONE,)
    assert filters.hub_sources == ("castleford",)
    assert filters.assignees == ("staff:3",)
    assert filters.due is None
    assert filters.search == "TF-ABCD"
    assert q.parse_filters({}).states == q.OPEN_STATES


@pytest.mark.parametrize("text", ["", "x", "2026-13-01.4", "none.x", "2026-01-01.", "." * 50])
def test_bad_cursors_are_ignored(text):
    assert q.Cursor.decode(text) is None


def test_cursor_round_trip():
    for cursor in (q.Cursor(date(2026, 3, 1), 42), q.Cursor(None, 7)):
        assert q.Cursor.decode(cursor.encode()) == cursor


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_dashboard_figures(session, scenarios):
    queued(scenarios, due_on=date(2026, 3, 13))  # overdue (Friday before)
    queued(scenarios, due_on=TODAY)  # due today: within five working days
    queued(scenarios, CaseState.IN_REVIEW, due_on=date(2026, 3, 23))  # fifth day
    queued(scenarios, CaseState.IN_REVIEW, due_on=date(2026, 3, 24))  # sixth day
    queued(scenarios, due_on=None)  # waiting for proof of identity
    completed = CaseState.COMPLETED
    # Completed this month: on time, on the due date itself, and late.
    queued(scenarios, completed, due_on=date(2026, 3, 20), closed_at=utc(TODAY, 9))
    queued(scenarios, completed, due_on=date(2026, 3, 5), closed_at=utc(date(2026, 3, 5), 17))
    queued(scenarios, completed, due_on=date(2026, 3, 2), closed_at=utc(TODAY, 1))
    # Completed last month (23:30 UTC on 28 February is still February in London).
    queued(
        scenarios,
        completed,
        due_on=date(2026, 2, 27),
        closed_at=utc(date(2026, 2, 28), 23, 30),
    )
    queued(scenarios, CaseState.WITHDRAWN)

    figures = q.dashboard_figures(session, today=TODAY)
    assert figures.open_by_state == {
        CaseState.AWAITING_IDENTITY: 1,
        CaseState.IN_PROGRESS: 2,
        CaseState.IN_REVIEW: 2,
    }
    assert figures.open_total == 5
    assert figures.overdue == 1
    assert figures.due_soon == 2
    assert (figures.on_time.completed, figures.on_time.on_time) == (3, 2)
    assert figures.on_time.percent == 67


def test_on_time_rate_uses_the_london_date(session, scenarios):
    # British Summer Time began on 29 March 2026: 23:30 UTC on 30 March is 00:30 on the
    # 31st in London, a day after the due date.
    day = date(2026, 3, 31)
    queued(
        scenarios,
        CaseState.COMPLETED,
        due_on=date(2026, 3, 30),
        closed_at=utc(date(2026, 3, 30), 23, 30),
    )
    figures = q.dashboard_figures(session, today=day)
    assert (figures.on_time.completed, figures.on_time.on_time) == (1, 0)


def test_no_completed_cases_gives_no_rate(session):
    assert q.dashboard_figures(session, today=TODAY).on_time.percent is None


def test_the_open_cases_index_covers_exactly_the_open_states():
    from portal.cases.models import OPEN_STATE_VALUES

    assert tuple(str(state) for state in q.OPEN_STATES) == OPEN_STATE_VALUES
