"""Issue 14 point 8: a database connection that dies between requests (a restarted server, a
killed backend, a failover) costs no one a 500: the pool checks each connection before use
(pool_pre_ping, portal/extensions.py) and replaces a dead one."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from portal.accounts.models import Role
from portal.cases.models import CaseState
from portal.instants import utc_now
from tests.conftest import ON_POSTGRESQL, building, get_page
from tests.visible import element_text

pytestmark = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="pg_terminate_backend is PostgreSQL's; an SQLite file has no server connection to lose",
)

KILL_THE_OTHERS = text(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def test_the_queue_keeps_working_after_the_database_kills_the_apps_connections(
    app, client, signed_in, database_url
):
    signed_in(client, Role.CASEWORKER)
    with building(app) as scenarios:
        reference = scenarios.case_in(CaseState.IN_PROGRESS, received=utc_now()).reference
    url = f"/staff/queue?q={reference}"
    assert reference in element_text(get_page(client, url, lang="en").html, "main-content")

    outsider = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with outsider.connect() as connection:
            killed = connection.execute(KILL_THE_OTHERS).scalars().all()
    finally:
        outsider.dispose()
    assert killed and all(killed), "the app's pooled connections were not there to kill"

    statuses = [client.get(url).status_code for _ in range(6)]

    assert statuses == [200] * 6
    assert reference in element_text(get_page(client, url, lang="en").html, "main-content")
