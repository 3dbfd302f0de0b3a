"""Settings from the environment: the address residents are sent to (PUBLIC_BASE_URL).

In the embedded mode it follows the address the server listens on, which `make run` and
`make worker` pass to the server and the worker alike; an explicit PUBLIC_BASE_URL always
wins; production must set it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portal.config import public_base_url, settings_from_environment

ROOT = Path(__file__).resolve().parents[2]
SERVER_VARIABLES = ("PUBLIC_BASE_URL", "FLASK_RUN_HOST", "FLASK_RUN_PORT", "PORTAL_ENV")


@pytest.fixture()
def environment(monkeypatch):
    """A clean slate: none of the variables that decide the address are set."""
    for name in SERVER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_embedded_mode_links_to_the_host_and_port_it_serves_on(environment, tmp_path):
    environment.setenv("FLASK_RUN_HOST", "127.0.0.1")
    environment.setenv("FLASK_RUN_PORT", "5101")
    assert settings_from_environment(tmp_path)["PUBLIC_BASE_URL"] == "http://127.0.0.1:5101"
    environment.setenv("FLASK_RUN_HOST", "localhost")
    environment.setenv("FLASK_RUN_PORT", "8080")
    assert settings_from_environment(tmp_path)["PUBLIC_BASE_URL"] == "http://localhost:8080"


def test_without_a_host_or_port_it_is_flasks_own_default(environment, tmp_path):
    assert settings_from_environment(tmp_path)["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    environment.setenv("FLASK_RUN_PORT", "5202")
    assert settings_from_environment(tmp_path)["PUBLIC_BASE_URL"] == "http://127.0.0.1:5202"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:5101"),  # noqa: S104  (every interface: the loopback)
        ("::", "http://[::1]:5101"),
        ("::1", "http://[::1]:5101"),
        ("192.168.1.20", "http://192.168.1.20:5101"),
    ],
)
def test_a_listening_address_becomes_an_address_a_browser_can_open(host, expected):
    env = {"FLASK_RUN_HOST": host, "FLASK_RUN_PORT": "5101"}
    assert public_base_url(env, production=False) == expected


def test_an_explicit_public_base_url_always_wins(environment, tmp_path):
    environment.setenv("FLASK_RUN_PORT", "5101")
    environment.setenv("PUBLIC_BASE_URL", "https://families.example.gov.uk")
    assert settings_from_environment(tmp_path)["PUBLIC_BASE_URL"] == (
        "https://families.example.gov.uk"
    )


def test_production_uses_the_configured_address_and_refuses_to_start_without_one(
    environment, tmp_path
):
    environment.setenv("PORTAL_ENV", "production")
    environment.setenv("SECRET_KEY", "x" * 40)
    environment.setenv("DELETION_LEDGER", str(tmp_path / "ledger.jsonl"))
    environment.setenv("FLASK_RUN_PORT", "5101")
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        settings_from_environment(tmp_path)
    environment.setenv("PUBLIC_BASE_URL", "https://families.example.gov.uk")
    assert settings_from_environment(tmp_path)["PUBLIC_BASE_URL"] == (
        "https://families.example.gov.uk"
    )


# `make run`: the recipe itself, with a stand-in for flask that writes down, for each
# command the recipe runs (the worker and the server among them), the address the portal's
# settings would give that process.
STAND_IN = """
import os, sys, time
from pathlib import Path
from portal.config import public_base_url
log = Path(os.environ["STAND_IN_LOG"])
if sys.argv[1] == "run":  # the server: up until its worker has started, as a real one is
    deadline = time.monotonic() + 60
    while "worker run" not in (log.read_text() if log.exists() else ""):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
address = public_base_url(os.environ, production=False)
with log.open("a") as out:
    out.write(" ".join(sys.argv[1:]) + "\\t" + address + "\\n")
"""


def run_recipe(tmp_path: Path, *arguments: str, **env: str) -> dict[str, str]:
    script = tmp_path / "flask_stand_in.py"
    script.write_text(STAND_IN)
    log = tmp_path / "commands.log"
    clean = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    subprocess.run(
        # -o setup: take the virtualenv, CSS and catalogues as made (nothing is installed).
        [
            "make",
            "--no-print-directory",
            "-o",
            "setup",
            *arguments,
            f"FLASK={sys.executable} {script}",
        ],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), "STAND_IN_LOG": str(log), **env},
        check=True,
        capture_output=True,
        timeout=120,
    )
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    return {command: address for command, address in lines}


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_run_gives_the_server_and_its_worker_the_same_port(tmp_path):
    commands = run_recipe(tmp_path, "run", "PORT=5101")
    assert commands["run --host 127.0.0.1 --port 5101"] == "http://127.0.0.1:5101"
    assert commands["worker run"] == "http://127.0.0.1:5101"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_run_keeps_an_explicit_public_base_url(tmp_path):
    commands = run_recipe(
        tmp_path, "run", "HOST=0.0.0.0", "PORT=5102", PUBLIC_BASE_URL="https://x.example"
    )
    assert commands["run --host 0.0.0.0 --port 5102"] == "https://x.example"
    assert commands["worker run"] == "https://x.example"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_worker_alone_links_to_the_port_it_is_given(tmp_path):
    commands = run_recipe(tmp_path, "worker", "PORT=5103")
    assert commands["worker run"] == "http://127.0.0.1:5103"
