"""Before the window opens on Linux: can Qt's xcb platform plugin load here, and is there a
display for it? When system libraries it needs are missing, Qt aborts with "Could not load the
Qt platform plugin "xcb"" and names none of them; this check names each one, and the
Debian/Ubuntu package holding it. Without a display (DISPLAY unset, as over ``ssh`` without
``-X``, or a display that does not answer) Qt aborts with the same words and a hint at a
missing library; this check says what is wrong instead.

The libraries are those ``ldd`` lists as "not found" for PySide6's ``libqxcb.so`` and the
``libQt6XcbQpa`` it loads (measured with PySide6 6.11 on Debian 12: the xcb libraries below;
on a machine with only Qt's offscreen needs installed, ten of them are missing). ``ldd`` is
asked only when the plugin does not load: where it loads (every start once the libraries are
installed) the check is that loading (~30 ms, of libraries Qt loads next anyway) instead of
two ``ldd`` runs (~0.2 s of every start).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

PACKAGES: Mapping[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
"""The Debian/Ubuntu package of each system library the xcb plugin links (``dpkg -S``)."""
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
Ldd = Callable[[Path], str | None]


def plugin_files() -> list[Path]:
    """PySide6's xcb platform plugin and the Qt library it loads, those present (found without
    importing PySide6: the window's start imports its store's modules first, see
    :mod:`desktop.app`)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    qt = Path(spec.submodule_search_locations[0]) / "Qt"
    files = [qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"]
    return [f for f in files if f.is_file()]


def loads(file: Path) -> bool:
    """Whether the dynamic loader loads ``file`` and every library it links, as Qt is about
    to."""
    try:
        ctypes.CDLL(str(file))
    except OSError:
        return False
    return True


def run_ldd(file: Path) -> str | None:
    """What ``ldd`` says of ``file``, or None when it cannot tell (no ldd, not run)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        done = subprocess.run([ldd, str(file)], capture_output=True, text=True, timeout=20,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def missing_libraries(files: Iterable[Path], ldd: Ldd = run_ldd) -> list[str]:
    """The libraries ``ldd`` cannot find for any of ``files``, each once, in order."""
    missing: dict[str, None] = {}
    for file in files:
        found = ldd(file)
        if found:
            missing.update(dict.fromkeys(_NOT_FOUND.findall(found)))
    return list(missing)


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt will try the xcb plugin first: on Linux, with QT_QPA_PLATFORM unset or xcb
    (a Wayland session without it may take the Wayland plugin instead)."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def connects(display: str) -> bool:
    """Whether the X server of ``display`` accepts a connection (made with libxcb, as Qt's
    plugin makes it, and closed at once)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(os.fsencode(display), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def no_display(environ: Mapping[str, str]) -> str | None:
    """Why the window has no display to open on (the message), or None when it has one."""
    display = environ.get("DISPLAY", "")
    if not display:
        why = "no display is set (the DISPLAY variable is empty)"
    elif not connects(display):
        why = f"the display {display!r} does not answer (no X server there, or access refused)"
    else:
        return None
    return (f"Counterclaim cannot open its window: {why}. Start it from a desktop session "
            "(over ssh: ssh -X). The command line (counterclaim --help) works without one.")


def explain(missing: Iterable[str]) -> str:
    """The message naming the ``missing`` libraries and the apt-get line that installs them."""
    names = list(missing)
    packages = list(dict.fromkeys(PACKAGES[n] for n in names if n in PACKAGES))
    lines = ["Counterclaim cannot open its window: Qt's xcb platform plugin needs system "
             "libraries this machine does not have:", *(f"  {n}" for n in names)]
    if packages:
        lines += ["On Debian or Ubuntu, install them with:",
                  f"  sudo apt-get install {' '.join(packages)}"]
    unknown = [n for n in names if n not in PACKAGES]
    if unknown:
        lines.append(f"(No Debian package is known here for {', '.join(unknown)}; a libQt6 "
                     "name means the PySide6 install is incomplete: reinstall it with pip.)")
    lines.append("The command line (counterclaim --help) works without them.")
    return "\n".join(lines)


def problem(environ: Mapping[str, str] | None = None) -> str | None:
    """What keeps the window from opening (the message), or None when nothing is known to."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return None
    if not environ.get("DISPLAY"):
        return no_display(environ)
    files = plugin_files()
    if all(loads(file) for file in files):
        return no_display(environ)
    missing = missing_libraries(files, run_ldd)
    return explain(missing) if missing else None
