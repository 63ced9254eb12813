"""Set-up on a real desktop (issue 12 point 8): when Qt's xcb plugin cannot load, the window's
start names the missing system libraries and the packages holding them instead of leaving
Qt's abort alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import app, platform_check
from desktop.platform_check import (
    explain,
    loads,
    missing_libraries,
    plugin_files,
    run_ldd,
    uses_xcb,
)

FAKE_LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f53)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f53)
\tlibxkbcommon-x11.so.0 => not found
"""


def test_a_plugin_moved_away_from_its_qt_libraries_is_found_wanting_by_the_real_ldd(tmp_path):
    """A copy of PySide6's plugin whose own Qt libraries cannot be found (its RUNPATH is
    relative to where it lies): a real missing library path, read by the real ldd."""
    plugin = next(f for f in plugin_files() if f.name == "libqxcb.so")
    copy = tmp_path / "platforms" / plugin.name
    copy.parent.mkdir()
    shutil.copy(plugin, copy)
    missing = missing_libraries([copy])
    assert "libQt6XcbQpa.so.6" in missing and "libQt6Gui.so.6" in missing
    assert missing_libraries(plugin_files()) == []  # this machine has everything
    assert "reinstall it with pip" in explain(missing)
    assert not loads(copy)
    assert all(loads(file) for file in plugin_files())


def test_a_plugin_that_loads_is_not_handed_to_ldd(monkeypatch):
    """Where the plugin loads, nothing is missing: ldd (two runs, ~0.2 s of each start on a
    desktop) is not asked."""
    def no_ldd(file: Path) -> str:
        raise AssertionError(f"ldd asked about {file}")

    monkeypatch.setattr(platform_check, "run_ldd", no_ldd)
    monkeypatch.setattr(platform_check, "connects", lambda _display: True)
    assert platform_check.problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}) is None


def test_the_message_names_each_missing_library_and_the_apt_get_line():
    missing = missing_libraries([Path("a.so"), Path("b.so")], lambda _file: FAKE_LDD)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]
    text = explain(missing)
    for name in missing:
        assert f"  {name}\n" in text
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0\n" in text
    assert "pip" not in text


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, True),
    ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, True),
    ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, False),
])
def test_only_a_start_that_will_use_xcb_is_checked(environ, expected):
    assert uses_xcb(environ) is expected


def test_the_window_start_says_what_is_missing_instead_of_starting_qt(monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(platform_check, "loads", lambda _file: False)
    monkeypatch.setattr(platform_check, "run_ldd", lambda _file: FAKE_LDD)

    def no_qt() -> None:
        raise AssertionError("QApplication must not be created")

    monkeypatch.setattr(app, "application", no_qt)
    assert app.run_app(None) == 2
    err = capsys.readouterr().err
    assert "libxcb-icccm.so.4" in err and "sudo apt-get install libxcb-icccm4" in err


def test_nothing_is_refused_when_ldd_cannot_tell(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert run_ldd(Path("/nonexistent")) is None
    monkeypatch.setattr(platform_check, "run_ldd", lambda _file: None)
    monkeypatch.setattr(platform_check, "loads", lambda _file: False)
    assert platform_check.problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}) is None


def test_ci_installs_every_package_the_check_may_name():
    script = (Path(__file__).parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    listed = re.search(r"qt_libs=\(([^)]*)\)", script)
    assert listed is not None
    assert set(platform_check.PACKAGES.values()) <= set(listed.group(1).split())


def free_display() -> str:
    """A display number no X server on this machine serves."""
    number = next(n for n in range(4711, 4800) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    return f":{number}"


def test_without_a_display_the_window_start_says_so_instead_of_qts_abort(tmp_path):
    """Started where there is no display (ssh without -X), the window's start ends with exit
    status 2 and a sentence, not Qt's abort (signal 6) blaming a missing xcb library."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    environ["XDG_CONFIG_HOME"] = environ["XDG_DATA_HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "desktop.cli", "--db", str(tmp_path / "s.sqlite")],
                          env=environ, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parents[2], check=False)
    assert done.returncode == 2, done.stderr
    assert "cannot open its window: no display is set" in done.stderr
    assert "xcb-cursor0" not in done.stderr


def test_a_display_that_does_not_answer_is_named():
    display = free_display()
    assert not platform_check.connects(display)
    message = platform_check.problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": display})
    assert message is not None and f"the display '{display}' does not answer" in message


def test_a_display_that_answers_opens_the_way(tmp_path):
    """A real X server (Xvfb, which .ci/run installs) is found answering, and gone once it
    stops."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (.ci/run installs it)")
    display = free_display()
    server = subprocess.Popen([xvfb, display, "-nolisten", "tcp", "-noreset"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not platform_check.connects(display):
            assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        assert platform_check.problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": display}) is None
    finally:
        server.terminate()
        server.wait(10)
    assert not platform_check.connects(display)
