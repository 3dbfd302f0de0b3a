"""gunicorn's settings for the portal, read from the working directory by
`gunicorn "portal:create_app()"` (README, "Production"). Command-line options override them.

Threaded workers: a request waiting on the database or a mail server holds a thread, not a
process. Two of each worker's threads are always left for answering people: the rest may
hold a client that keeps posting after it was refused (portal/rate_limits.py, the refusal
gate), so a flood of refused sign-ins slows the flooder, not the residents (bench/abuse.py).
"""

import os

worker_class = "gthread"
threads = 8
FREE_THREADS = 2


def post_fork(server, worker):
    """Before the worker loads the app: how many of its threads may hold refused clients."""
    slots = max(0, worker.cfg.threads - FREE_THREADS)
    os.environ.setdefault("REFUSAL_DELAY_SLOTS", str(slots))


# /metrics under several workers (portal/ops/metrics.py): with PROMETHEUS_MULTIPROC_DIR set
# in the server's environment, each worker writes its counts to files there and a scrape
# adds them up. The folder must start empty, or counts from the last run would be added in.


def on_starting(server):
    """In the master, before any worker: an empty metrics folder."""
    from pathlib import Path

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """A worker has gone: its live gauges no longer count (its counters still do)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
