"""The benchmark scripts start as bench/README.md says to run them.

Python puts a script's own folder first on the import path, so a `bench/queue.py` hid the
standard library's `queue`, and `bench/pages.py` failed as soon as multiprocessing wanted
it. No script may be named like a standard library module, and each must get as far as
its --help.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

BENCH = ROOT / "bench"
SCRIPTS = sorted(path.name for path in BENCH.glob("*.py"))


def test_no_bench_script_hides_a_standard_library_module():
    hiding = [name for name in SCRIPTS if name.removesuffix(".py") in sys.stdlib_module_names]
    assert not hiding


def test_the_readme_names_every_script_that_records_results():
    readme = (BENCH / "README.md").read_text(encoding="utf-8")
    recording = [name for name in SCRIPTS if "RESULTS" in (BENCH / name).read_text("utf-8")]
    assert "case_queue.py" in recording
    assert [name for name in recording if f"bench/{name}" not in readme] == []


# bare_app.py is the baseline app, staff_session.py the sign-in helper bench/pages.py
# imports, and case_events.py the events bench/reports.py seeds: modules, not scripts.
MODULES = {"bare_app.py", "case_events.py", "staff_session.py"}


@pytest.mark.parametrize("script", [name for name in SCRIPTS if name not in MODULES])
def test_each_script_starts_from_the_repository_root(script):
    """As the README runs it (`.venv/bin/python bench/NAME.py`), as far as its --help."""
    started = subprocess.run(
        [sys.executable, f"bench/{script}", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.startswith("usage:")


def test_with_bench_first_on_the_path_multiprocessing_finds_the_real_queue():
    """What bench/pages.py does when it starts its load generators."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, 'bench')\n"
            "from multiprocessing.queues import SimpleQueue\n"
            "import queue; print(queue.__file__)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert "/bench/" not in probe.stdout
