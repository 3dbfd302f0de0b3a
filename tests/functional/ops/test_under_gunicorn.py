"""Issue 17 point 5, on the real set-up: gunicorn with the project's gunicorn.conf.py and
two worker processes, metrics in multi-process mode (PROMETHEUS_MULTIPROC_DIR), JSON
request lines on standard error, and a real `flask worker run` whose heartbeat makes the
portal ready.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from prometheus_client.parser import text_string_to_metric_families

from portal.extensions import db
from tests.conftest import ROOT, make_app, own_database

REFERENCE = "TF-7K3Q-9PMH"
REQUESTS = 24
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@contextmanager
def running(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A process of our own (in its own group), stopped and reaped afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(port: int, path: str, status: int, process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + 40
    last = None
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            last = get(port, path)
        except OSError:
            time.sleep(0.2)
            continue
        if last[0] == status:
            return last[1]
        time.sleep(0.2)
    raise AssertionError(f"{path} answered {last} rather than {status}")


def track_counts(metrics_text: str) -> float:
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if (
                sample.name == "portal_request_duration_seconds_count"
                and sample.labels.get("route") == "/<locale>/track"
                and sample.labels.get("status") == "200"
            ):
                return sample.value
    return 0.0


@pytest.fixture()
def migrated_url(database_url, tmp_path) -> Iterator[str]:
    with own_database(database_url, tmp_path, "ops_gunicorn") as url:
        app = make_app(url, tmp_path)
        with app.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()
        yield url


def test_gunicorn_workers_answer_probes_share_metrics_and_log_json_lines(migrated_url, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"left over from the last run")
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "gunicorn-test-not-secret",
        "PORTAL_ENV": "development",
        "DATABASE_URL": migrated_url,
        "DELETION_LEDGER": str(tmp_path / "deletion-ledger.jsonl"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_ALLOW": "127.0.0.1",
        "LOG_FORMAT": "json",
        "RETENTION_DAILY": "0",
    }
    server_argv = [
        sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
        f"127.0.0.1:{port}", "--no-control-socket", "portal:create_app()",
    ]  # fmt: skip
    worker_argv = [
        sys.executable, "-m", "flask", "--app", "portal", "worker", "run", "--poll-seconds", "0.2",
    ]  # fmt: skip
    server_log, worker_log = tmp_path / "gunicorn.log", tmp_path / "worker.log"
    with running(server_argv, env, server_log) as server:
        assert wait_for(port, "/healthz", 200, server, server_log) == '{"status": "ok"}\n'
        assert not (metrics_dir / "counter_99999.db").exists()  # on_starting emptied it
        waiting = json.loads(wait_for(port, "/readyz", 503, server, server_log))
        assert waiting == {
            "status": "not ready",
            "database": "ok",
            "migrations": "ok",
            "worker": "none",
        }
        with running(worker_argv, env, worker_log) as worker:
            ready = json.loads(wait_for(port, "/readyz", 200, worker, worker_log))
            assert ready["worker"] == "ok"

        for _ in range(REQUESTS):
            assert get(port, f"/en/track?reference={REFERENCE}")[0] == 200
        # Whichever worker answers a scrape adds up every worker's counts.
        scrapes = [get(port, "/metrics") for _ in range(6)]
        assert all(status == 200 for status, _ in scrapes)
        assert {track_counts(text) for _, text in scrapes} == {REQUESTS}
        assert REFERENCE not in scrapes[0][1]
        assert "portal_job_queue_depth 0.0" in scrapes[0][1]

    lines = [
        json.loads(line)
        for line in server_log.read_text().splitlines()
        if line.startswith('{"time"')
    ]
    tracked = [line for line in lines if line["route"] == "/<locale>/track"]
    assert len(tracked) == REQUESTS
    assert {(line["method"], line["status"]) for line in tracked} == {("GET", 200)}
    assert len({line["request_id"] for line in tracked}) == REQUESTS
    assert REFERENCE not in server_log.read_text()
