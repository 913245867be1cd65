"""Fixtures for the search tests: the small corpus of search_corpus.py in an index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from search_corpus import DOCS

from app.search import SearchIndex


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    """An index holding :data:`DOCS`."""
    ix = SearchIndex.open(tmp_path / "index", lock_timeout=0.2)
    ix.write(DOCS)
    yield ix
    ix.close()


@pytest.fixture
def empty_index(tmp_path: Path) -> Iterator[SearchIndex]:
    """A new, empty index."""
    ix = SearchIndex.open(tmp_path / "index", lock_timeout=0.2)
    yield ix
    ix.close()
