"""Shared fixtures for ingest tests: the hostile folder, built once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from .hostile import build_hostile_folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str | None]]:
    """The hostile folder and its expected outcomes."""
    folder = tmp_path_factory.mktemp("hostile")
    return folder, build_hostile_folder(folder)
