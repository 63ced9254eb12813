"""``counterclaim`` with no command opens the window, told apart from a command before any
command's modules are imported (issue 17: start_ratio); help, a command or a mistake is read
by the whole parser, as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.store import Store
from desktop.cli import window_location

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("argv", "wanted"), [
    ([], (True, None)),
    (["--db", "s.sqlite"], (True, "s.sqlite")),
    (["--db=s.sqlite"], (True, "s.sqlite")),
    (["--db", "a.sqlite", "--db", "b.sqlite"], (True, "b.sqlite")),
    (["--db"], (False, None)),  # the whole parser says a value is missing
    (["--db", "-x"], (False, None)),
    (["-h"], (False, None)),
    (["--version"], (False, None)),
    (["--bogus"], (False, None)),
    (["stats"], (False, None)),
    (["--db", "s.sqlite", "export", "out.jsonl"], (False, "s.sqlite")),
])
def test_the_window_is_asked_for_by_no_command_and_no_option_but_db(argv, wanted):
    assert window_location(argv) == wanted


CHILD = """
import json, sys
import desktop.app
opened = []
desktop.app.run_app = lambda location: opened.append(location) or 0
from desktop.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "opened": opened,
                  "commands": "desktop.cli_commands" in sys.modules,
                  "numpy": "numpy" in sys.modules}))
"""


def test_the_window_path_imports_no_command_and_a_command_still_runs(tmp_path):
    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True,
                              text=True, timeout=120, cwd=ROOT,
                              env=os.environ | {"PYTHONPATH": str(ROOT)})

    store = str(tmp_path / "s.sqlite")
    window = run("--db", store)
    assert json.loads(window.stdout) == {"code": 0, "opened": [store], "commands": False,
                                         "numpy": False}
    Store.open(store).close()  # the window (not run here) would have made it
    stats = run("--db", store, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout.split("\n{\"code\"")[0])["documents"] == 0
    missing = run("--db")
    assert missing.returncode == 2
    assert "argument --db: expected one argument" in missing.stderr
