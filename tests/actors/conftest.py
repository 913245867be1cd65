"""Fixtures for actor and agreement tests: small real notebooks built from text files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).with_name("data")


@pytest.fixture
def make_notebook(tmp_path: Path) -> Iterator[Callable[..., object]]:
    """Build a notebook from ``{file name: text}``; returns (notebook, {name: article id})."""
    from app.services import Notebook

    opened = []

    def build(texts: dict[str, str]) -> tuple[object, dict[str, int]]:
        folder = tmp_path / f"texts{len(opened)}"
        folder.mkdir()
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        nb = Notebook.open(tmp_path / f"nb{len(opened)}")
        opened.append(nb)
        report = nb.imports.import_paths([folder / n for n in texts])
        assert not report.failures
        return nb, {Path(s.original_name).name: s.id for s in report.imported}

    yield build
    for nb in opened:
        nb.close()


@pytest.fixture
def span() -> Callable[..., tuple[int, int]]:
    """``span(nb, article_id, needle, nth=0)``: code-point span of an occurrence."""
    return _span


def _span(nb: object, article_id: int, needle: str, nth: int = 0) -> tuple[int, int]:
    text = nb.articles.get(article_id).text  # type: ignore[attr-defined]
    start = -1
    for _ in range(nth + 1):
        start = text.find(needle, start + 1)
        assert start >= 0, f"{needle!r} not in article {article_id}"
    return start, start + len(needle)
