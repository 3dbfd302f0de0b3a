"""Where a staff page's time goes: its cost in one process, step by step, beside a bare page.

bench/pages.py says whether the queue is fast enough under gunicorn; this says where its
time goes, without the server, the network or the load generator in the way. It seeds the
demonstration data into a temporary SQLite file, signs a demo caseworker in over HTTP (as
bench/pages.py does) and then calls the portal's WSGI app directly, page after page, with
that cookie, timing the bare Flask page in the same process between. With --steps, each
step of the queue (the session and account, the queue's reads, the rows, the template,
the session's save) is timed as well. Nothing is recorded in RESULTS.md: it is for finding
what to cut, and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

from bench.staff_session import CASEWORKER, seed_demo, sign_in  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/staff/queue", help="the staff page to time")
    parser.add_argument("--requests", type=int, default=1000, help="timed requests a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of page, then bare")
    parser.add_argument("--steps", action="store_true", help="time the queue's steps too")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.rounds < 1:
        parser.error("need --requests >= 1 and --rounds >= 1")
    return args


def mean_ms(call: Callable[[], object], number: int) -> float:
    started = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - started) / number * 1000


def caller(app: Any, path: str, headers: dict[str, str]) -> Callable[[], tuple[str, bytes]]:
    """One GET straight into the WSGI app: its status and body."""
    from werkzeug.test import EnvironBuilder

    def call() -> tuple[str, bytes]:
        statuses: list[str] = []
        environ = EnvironBuilder(path=path, headers=headers).get_environ()
        body = b"".join(app(environ, lambda status, _headers, _exc=None: statuses.append(status)))
        return statuses[0], body

    return call


def timed_steps(app: Any) -> dict[str, float]:
    """Wrap the queue's steps so each adds its time (seconds) to the dict returned."""
    import flask.ctx

    import portal.staff.queue_views as queue_views

    spent: dict[str, float] = defaultdict(float)

    def wrap(owner: Any, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started

        setattr(owner, name, timed)

    wrap(flask.ctx.RequestContext, "push", "session and account (request context)")
    wrap(app, "preprocess_request", "before the view (idle check, permissions)")
    wrap(queue_views.case_queue, "queue_page", "queue reads")
    wrap(queue_views, "case_staff", "staff and teams")
    wrap(queue_views.internal_reviews, "waiting_reviews", "waiting internal reviews")
    wrap(queue_views, "table_rows", "rows")
    wrap(queue_views, "render_template", "template")
    wrap(app, "finalize_request", "after the view (headers, session save)")
    wrap(flask.ctx.RequestContext, "pop", "teardown")
    return spent


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="portal-page-cost-") as tmp_name:
        tmp = Path(tmp_name)
        env = {
            "SECRET_KEY": "bench-not-secret",
            "PORTAL_ENV": "development",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
            "DELETION_LEDGER": str(tmp / "deletion-ledger.jsonl"),
            "MAIL_FILE_DIR": str(tmp / "mail"),
        }
        os.environ.update(env)
        os.environ.pop("REDIS_URL", None)  # the embedded default, as bench/pages.py
        accounts = seed_demo(dict(os.environ))

        from werkzeug.serving import make_server

        from bench.bare_app import app as bare
        from portal import create_app

        app = create_app()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            cookie = sign_in(server.server_port, accounts[CASEWORKER])
        finally:
            server.shutdown()
        page = caller(app, args.path, {"Cookie": cookie})
        baseline = caller(bare, "/", {})
        status, body = page()
        if not status.startswith("200"):
            print(f"{args.path} answered {status}", file=sys.stderr)
            return 1
        print(f"{args.path}: {len(body)} bytes")
        mean_ms(page, 100)  # warm: kept statements, templates and chrome
        mean_ms(baseline, 100)
        for number in range(args.rounds):
            portal_ms = mean_ms(page, args.requests)
            bare_ms = mean_ms(baseline, args.requests)
            print(
                f"round {number + 1}: {args.path} {portal_ms:.3f} ms, bare {bare_ms:.3f} ms "
                f"({portal_ms / bare_ms:.1f} times)"
            )
        if args.steps:
            spent = timed_steps(app)
            total = mean_ms(page, args.requests)
            print(f"steps, with timing around each ({total:.3f} ms a request):")
            for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
                print(f"  {seconds / args.requests * 1000:.3f} ms  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
