"""The GUI says which system packages to install instead of letting Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.gui.common.system_libs import XCB_PACKAGES, install_hint, missing_packages, uses_xcb

ROOT = Path(__file__).resolve().parents[2]


def test_missing_libraries_are_named_by_their_debian_package() -> None:
    """Two libraries that cannot be loaded give their two packages, in a one-line hint."""
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    packages = missing_packages(loads=lambda lib: lib not in absent)
    assert packages == ["libxcb-icccm4", "libxcb-keysyms1"]
    hint = install_hint(packages)
    assert "\n" not in hint and hint.endswith("apt-get install libxcb-icccm4 libxcb-keysyms1")


def test_only_the_xcb_platform_is_checked() -> None:
    """Offscreen (tests), Wayland sessions and other systems skip the check."""
    assert uses_xcb({}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_xcb({}, "darwin")


@pytest.mark.skipif(not missing_packages(), reason="every xcb library is installed here")
def test_main_py_prints_the_packages_and_exits_when_a_library_is_missing(tmp_path) -> None:
    """On a machine lacking xcb libraries, ``python main.py`` prints the hint, exit 1."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":987", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == install_hint(missing_packages())


def test_the_readme_lists_every_package() -> None:
    """The README's quick start names each package the check knows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(package in readme for package in XCB_PACKAGES.values())
