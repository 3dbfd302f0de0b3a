"""The case queue and the dashboard figures: plain queries, no Flask.

The queue is every case matching a set of filters, soonest due first (cases with no due
date last, while identity is awaited), then by id. Pages are found by keyset: the next
page starts after the last (due_on, id) seen, never with OFFSET, so a deep page costs the
same as the first and a case moved while someone pages is neither skipped nor repeated
because of rows before it.

Due windows and "due soon" count working days (C2): weekends and bank holidays in England
and Wales do not count. Dates are Europe/London calendar dates.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, false, func, literal_column, or_, select, tuple_
from sqlalchemy.orm import aliased

from portal.cases import clock
from portal.cases.case_months import CaseMonth
from portal.cases.casework_models import CaseAssignment
from portal.cases.models import Case, CaseKind, CaseState, Channel, Person
from portal.cases.queue_search import search_condition
from portal.cases.workflow import CLOSED
from portal.extensions import DbSession

PAGE_SIZE = 50
DUE_SOON_WORKING_DAYS = 5
CLOSED_STATES = CLOSED
OPEN_STATES = tuple(state for state in CaseState if state not in CLOSED)
UNASSIGNED = "unassigned"
_MAX_SEARCH_LENGTH = 100

# The queue's indexes are declared on the models (Case and Person.__table_args__).


class DueWindow(StrEnum):
    OVERDUE = "overdue"  # open and due before today
    SOON = "soon"  # due today or within five working days
    LATER = "later"  # due after that
    NONE = "none"  # no due date yet (the clock has not started)


class QueueOrder(StrEnum):
    """How the queue is sorted (issue 19 point 5): soonest due first, or by the day the
    request was received, newest or oldest first."""

    DUE = "due"
    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows. Empty tuples mean "any"; states default to the open ones."""

    kinds: tuple[CaseKind, ...] = ()
    states: tuple[CaseState, ...] = OPEN_STATES
    assignees: tuple[str, ...] = ()  # actor strings ("staff:12") or UNASSIGNED
    channels: tuple[Channel, ...] = ()
    hub_sources: tuple[str, ...] = ()
    due: DueWindow | None = None
    search: str = ""
    teams: tuple[str, ...] = ()  # team ids chosen (portal.accounts.teams)
    team_assignees: tuple[str, ...] = ()  # the actor strings of those teams' members
    order: QueueOrder = QueueOrder.DUE


@dataclass(frozen=True)
class Cursor:
    """The last row of a page: the next page starts after it."""

    due_on: date | None
    case_id: int

    def encode(self) -> str:
        return f"{self.due_on.isoformat() if self.due_on else 'none'}.{self.case_id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor in a "next page" link, or None for anything else (never raises)."""
        if not text or len(text) > 40 or "." not in text:
            return None
        due_text, _, id_text = text.partition(".")
        if not id_text.isascii() or not id_text.isdigit():
            return None
        try:
            due_on = None if due_text == "none" else date.fromisoformat(due_text)
        except ValueError:
            return None
        return cls(due_on, int(id_text))


@dataclass(frozen=True)
class QueueRow:
    case_id: int
    reference: str
    kind: str
    state: str
    channel: str
    hub_source: str | None
    received_on: date
    due_on: date | None
    subject_name: str
    requester_name: str
    assignee: str | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: Cursor | None


def parse_filters(
    args: Mapping[str, Any],
    *,
    hub_sources: Iterable[str] = (),
    assignees: Iterable[str] = (),
    teams: Mapping[str, Iterable[str]] | None = None,
) -> QueueFilters:
    """Filters from a query string (anything with getlist, or a plain dict). Unknown values
    are dropped, never an error: a stale bookmark still opens the queue."""

    def values(name: str) -> list[str]:
        getlist = getattr(args, "getlist", None)
        raw = getlist(name) if getlist else args.get(name, [])
        if isinstance(raw, str):
            raw = [raw]
        return [str(value) for value in raw]

    def known(name: str, allowed: Iterable[str]) -> tuple[str, ...]:
        allowed_set = set(allowed)
        return tuple(dict.fromkeys(v for v in values(name) if v in allowed_set))

    states = tuple(CaseState(v) for v in known("state", CaseState))
    due_values = known("due", DueWindow)
    search = (values("q") or [""])[0].strip()[:_MAX_SEARCH_LENGTH]
    chosen_teams = known("team", teams or {})
    return QueueFilters(
        kinds=tuple(CaseKind(v) for v in known("kind", CaseKind)),
        states=states or OPEN_STATES,
        assignees=known("assignee", [UNASSIGNED, *assignees]),
        channels=tuple(Channel(v) for v in known("channel", Channel)),
        hub_sources=known("hub", hub_sources),
        due=DueWindow(due_values[0]) if due_values else None,
        search=search,
        teams=chosen_teams,
        order=QueueOrder((known("order", QueueOrder) or (QueueOrder.DUE,))[0]),
        team_assignees=tuple(sorted({m for team in chosen_teams for m in (teams or {})[team]})),
    )


def due_soon_until(today: date, working_days: int = DUE_SOON_WORKING_DAYS) -> date:
    """The last date whose due day is at most `working_days` working days after today:
    the day before the next working day after that (a due date on the weekend after the
    fifth working day is still five working days away)."""
    day = today
    counted = 0
    while counted <= working_days:
        day += timedelta(days=1)
        if clock.is_working_day(day):
            counted += 1
    return day - timedelta(days=1)


def _assigned(to: list[str] | None) -> Any:
    """EXISTS an assignment of the case to one of `to` (None: to anybody)."""
    assignment = aliased(CaseAssignment)
    who = assignment.assignee.is_not(None) if to is None else assignment.assignee.in_(to)
    return select(assignment.id).where(assignment.case_id == Case.id, who).exists()


def _base_query(filters: QueueFilters, today: date, search: Any = None) -> Select[Any]:
    subject = aliased(Person)
    requester = aliased(Person)
    query = (
        select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.state,
            Case.channel,
            Case.hub_source,
            Case.received_on,
            Case.due_on,
            subject.full_name,
            requester.full_name,
            CaseAssignment.assignee,
        )
        .join(subject, subject.id == Case.subject_id)
        .join(requester, requester.id == Case.requester_id)
        .outerjoin(CaseAssignment, CaseAssignment.case_id == Case.id)
    )
    conditions: list[Any] = []
    if filters.kinds:
        conditions.append(Case.kind.in_([str(k) for k in filters.kinds]))
    if filters.channels:
        conditions.append(Case.channel.in_([str(c) for c in filters.channels]))
    if filters.hub_sources:
        conditions.append(Case.hub_source.in_(filters.hub_sources))
    if filters.assignees:
        # EXISTS rather than the joined column: the database then walks the queue's index
        # and looks up each case's assignment, instead of reading every assignment.
        named = [a for a in filters.assignees if a != UNASSIGNED]
        either = []
        if named:
            either.append(_assigned(named))
        if UNASSIGNED in filters.assignees:
            either.append(~_assigned(None))
        conditions.append(or_(*either))
    if filters.teams:
        # A team's cases: those assigned to its members (none, if it has no members yet).
        members = list(filters.team_assignees)
        conditions.append(_assigned(members) if members else false())
    if filters.due is DueWindow.OVERDUE:
        conditions.append(Case.due_on < today)
    elif filters.due is DueWindow.SOON:
        conditions.append(Case.due_on.between(today, due_soon_until(today)))
    elif filters.due is DueWindow.LATER:
        conditions.append(Case.due_on > due_soon_until(today))
    elif filters.due is DueWindow.NONE:
        conditions.append(Case.due_on.is_(None))
    if search is not None:
        conditions.append(search)
    return query.where(*conditions)


def _rows(result: Iterable[Any]) -> list[QueueRow]:
    return [QueueRow(*row) for row in result]


def queue_page(
    session: DbSession,
    filters: QueueFilters,
    *,
    today: date,
    after: Cursor | None = None,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    """One page of the queue, after `after` (None for the first page).

    Ordered by due_on with no date last, then id. Each state is read on its own, along the
    (state, due_on, id) index, and the states merged here: one query over several states
    would walk the due-date index through every closed case, or sort every open one. Dated
    cases come first; once they run out, the undated ones by id (SQLite cannot read a NULLS
    LAST order from an index).
    """
    dialect = session.get_bind().dialect.name
    wanted = page_size + 1  # one more tells whether there is a next page
    if filters.order is not QueueOrder.DUE:
        return _received_page(session, filters, today, after, page_size)
    if filters.search:
        search = search_condition(session, filters.search)
        plan = _plan(dialect, filters, today, after, wanted, search)
    else:
        plan = _kept_plan(dialect, filters, today, after, wanted)
    rows = _merged(session, plan.dated, key=_dated_key, limit=wanted)
    if len(rows) < wanted:
        rows += _merged(session, plan.undated, key=_undated_key, limit=wanted - len(rows))
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = Cursor(last.due_on, last.case_id)
    return QueuePage(rows, next_cursor)


def _received_page(
    session: DbSession,
    filters: QueueFilters,
    today: date,
    after: Cursor | None,
    page_size: int,
) -> QueuePage:
    """One page in the order requests were received (newest or oldest first), then by id;
    the cursor holds the last row's day received. One query, along ix_cases_received_on."""
    search = search_condition(session, filters.search) if filters.search else None
    states = [str(state) for state in (filters.states or tuple(CaseState))]
    query = _base_query(filters, today, search).where(Case.state.in_(states))
    newest = filters.order is QueueOrder.NEWEST
    if after is not None and after.due_on is not None:
        key, last = tuple_(Case.received_on, Case.id), (after.due_on, after.case_id)
        query = query.where(key < last if newest else key > last)
    order = (Case.received_on.desc(), Case.id.desc()) if newest else (Case.received_on, Case.id)
    rows = _rows(session.connection().execute(query.order_by(*order).limit(page_size + 1)).all())
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = Cursor(rows[-1].received_on, rows[-1].case_id)
    return QueuePage(rows, next_cursor)


@dataclass(frozen=True)
class _Plan:
    """The statements that read one page: the dated cases', then the undated ones'."""

    dated: tuple[Select[Any], ...]
    undated: tuple[Select[Any], ...]


def _plan(
    dialect: str,
    filters: QueueFilters,
    today: date,
    after: Cursor | None,
    wanted: int,
    search: Any = None,
) -> _Plan:
    base = _base_query(filters, today, search)
    states = [str(state) for state in (filters.states or tuple(CaseState))]
    split = not _in_one_query(dialect, filters, states)
    # SQLite's planner may prefer a kind or channel index that also holds every closed
    # case; the open-cases index is always the better road when the query can use it.
    open_index = not split and not filters.search and dialect == "sqlite"
    dated: list[Select[Any]] = []
    if after is None or after.due_on is not None:
        query = base.where(Case.due_on.is_not(None))
        if after is not None:
            # A row comparison, which both databases read as a range on the index.
            query = query.where(tuple_(Case.due_on, Case.id) > (after.due_on, after.case_id))
        dated = _by_state(query, states, split=split, open_index=open_index)
    undated = base.where(Case.due_on.is_(None))
    if after is not None and after.due_on is None:
        undated = undated.where(Case.id > after.case_id)
    return _Plan(
        tuple(query.order_by(Case.due_on, Case.id).limit(wanted) for query in dated),
        tuple(
            query.order_by(Case.id).limit(wanted)
            for query in _by_state(undated, states, split=split, open_index=open_index)
        ),
    )


# Without a search, the statements depend only on the filters, the day and the cursor: built
# once and kept, they cost SQLAlchemy neither building nor working out their cache keys
# again (issue 17 point 2). A search is never kept: nothing anyone typed stays in memory.
_kept_plan = functools.lru_cache(maxsize=256)(_plan)


def _dated_key(row: QueueRow) -> tuple[date, int]:
    return (row.due_on or date.max, row.case_id)


def _undated_key(row: QueueRow) -> tuple[date, int]:
    return (date.max, row.case_id)


def _in_one_query(dialect: str, filters: QueueFilters, states: list[str]) -> bool:
    """Whether to read every state in one query rather than one query per state.

    One query when a search has already narrowed the cases to a handful (reading each
    state's index would cost more); and on PostgreSQL whenever only open states are
    wanted, as it reads them in due order from the partial index ix_cases_open_due_on_id
    without passing a closed case. SQLite uses a partial index only for a query whose
    WHERE repeats the index's own: there, one query when exactly the open states are
    wanted (and no kind or channel, whose own indexes serve it better).
    """
    if filters.search:
        return True
    if dialect == "postgresql":
        return set(states) <= set(OPEN_STATES)
    # On SQLite, a kind or channel filter reads its own (kind or channel, state, due_on)
    # index, state by state, faster: the open-cases index would be read whole when few
    # cases match.
    everything_open = states == [str(state) for state in OPEN_STATES]
    return everything_open and not filters.kinds and not filters.channels


def _by_state(
    query: Select[Any], states: list[str], *, split: bool, open_index: bool = False
) -> list[Select[Any]]:
    """One query per state, each along the (state, due_on, id) index; or one for them all
    (`open_index`: told to read ix_cases_open_due_on_id, on SQLite)."""
    if split:
        return [query.where(Case.state == state) for state in states]
    # The states as literals in the SQL, as in the partial index's own WHERE: SQLite uses
    # the index only for a query whose WHERE repeats that term. Written into the statement
    # (the portal's own state names, never input), so it is compiled once and cached,
    # not rendered again at each execution as a literal_execute parameter would be.
    one = query.where(Case.state.in_([_state_literal(state) for state in states]))
    if open_index:
        one = one.with_hint(Case, "INDEXED BY ix_cases_open_due_on_id", dialect_name="sqlite")
    return [one]


def _state_literal(state: str) -> Any:
    if state not in _STATE_NAMES:
        raise ValueError(f"not a case state: {state!r}")
    return literal_column(f"'{state}'")


_STATE_NAMES = frozenset(str(state) for state in CaseState)


def _merged(
    session: DbSession,
    queries: Iterable[Select[Any]],
    *,
    key: Callable[[QueueRow], tuple[date, int]],
    limit: int,
) -> list[QueueRow]:
    """The first `limit` rows of several queries, each already in order, merged."""
    connection = session.connection()  # plain rows: no ORM step between them and the page
    parts = [_rows(connection.execute(query).all()) for query in queries]
    return list(itertools.islice(heapq.merge(*parts, key=key), limit))


# -- The dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class OnTimeRate:
    completed: int
    on_time: int

    @property
    def percent(self) -> int | None:
        """Whole per cent on time, or None when nothing has been completed yet."""
        if not self.completed:
            return None
        return round(100 * self.on_time / self.completed)


@dataclass(frozen=True)
class DashboardFigures:
    today: date
    open_by_state: dict[CaseState, int] = field(default_factory=dict)
    open_total: int = 0
    due_soon: int = 0
    overdue: int = 0
    on_time: OnTimeRate = OnTimeRate(0, 0)


def dashboard_figures(session: DbSession, *, today: date) -> DashboardFigures:
    """Open cases by state; open cases due within five working days (today included);
    open cases overdue (due before today); and this month's on-time rate: cases completed
    this month (Europe/London) whose closing date was on or before their due date, over
    all cases completed this month.

    The open cases are counted from the index of state and due date (by state, then the
    two due-date ranges, which SQLite counts faster as ranges than as sums over every open
    case); this month's completions are read from its row of counts kept as cases close
    (portal.cases.case_months), the row the report's trend reads."""
    open_states = [str(s) for s in OPEN_STATES]
    counts = session.execute(
        select(Case.state, func.count()).where(Case.state.in_(open_states)).group_by(Case.state)
    )
    by_state: Counter[CaseState] = Counter()
    for state, count in counts:
        by_state[CaseState(state)] += count
    open_cases = Case.state.in_(open_states)
    due_soon = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(open_cases, Case.due_on.between(today, due_soon_until(today)))
    )
    overdue = session.scalar(
        select(func.count()).select_from(Case).where(open_cases, Case.due_on < today)
    )
    month = session.execute(
        select(CaseMonth.completed, CaseMonth.completed_on_time).where(
            CaseMonth.month == today.replace(day=1)
        )
    ).first()
    return DashboardFigures(
        today=today,
        open_by_state={state: by_state[state] for state in OPEN_STATES if by_state[state]},
        open_total=sum(by_state.values()),
        due_soon=due_soon or 0,
        overdue=overdue or 0,
        on_time=OnTimeRate(*(month or (0, 0))),
    )


def working_days_left(today: date, due_on: date | None) -> int | None:
    """C2: working days from today to the due date; negative once overdue."""
    return None if due_on is None else clock.working_days_between(today, due_on)
