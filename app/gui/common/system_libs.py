"""Before Qt starts: are the system libraries its X11 (xcb) window plugin needs installed?

Without them Qt prints a page about "could not load the Qt platform plugin xcb" and aborts
the process. Checking first lets Dossier say in one line which Debian/Ubuntu packages to
install. The list comes from ``ldd`` on the xcb plugin, ``libQt6XcbQpa``, ``libQt6Gui``,
``libQt6Widgets`` and ``libQt6DBus`` of the pinned PySide6 (6.11), each library mapped to its
package with ``dpkg -S``; libraries every Debian system has (libc, libstdc++, zlib, ...) are
left out.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

XCB_PACKAGES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
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
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
"""Shared library -> the Debian/Ubuntu package that provides it (README lists the same)."""


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """True if Qt will try its xcb plugin: on Linux, unless another platform is chosen."""
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if not platform.startswith("linux"):
        return False
    if chosen:
        return chosen.split(":")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def missing_packages(loads: Callable[[str], bool] = _loads) -> list[str]:
    """Packages whose library cannot be loaded, in the order of :data:`XCB_PACKAGES`."""
    return [package for lib, package in XCB_PACKAGES.items() if not loads(lib)]


def install_hint(packages: list[str]) -> str:
    """The one line shown instead of Qt's abort."""
    return ("Dossier's window needs system libraries that are not installed; on Debian/Ubuntu "
            f"run: sudo apt-get install {' '.join(packages)}")
