"""Export for reading elsewhere: articles with their highlights as JSON, and CSV.

The complete, importable notebook file (every table) is :mod:`app.services.backup`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import app
from app.core.records import ArticleFilter, ArticleSummary, Highlight
from app.export.actors import write_xlsx
from app.export.files import atomic_text
from app.export.tabular import (
    HIGHLIGHT_COLUMNS,
    record_dict,
    write_articles_csv,
    write_highlights_csv,
    write_json,
)

if TYPE_CHECKING:
    from app.services.notebook import Notebook

PAGE = 500


class ExportService:
    """Writes files atomically; reads through the other services."""

    def __init__(self, nb: Notebook) -> None:
        self._nb = nb

    def _summaries(self) -> Iterator[ArticleSummary]:
        offset = 0
        flt = ArticleFilter(sort="id")
        while True:
            page = self._nb.articles.list(flt, offset=offset, limit=PAGE)
            yield from page.items
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return

    def _highlights(self) -> Iterator[tuple[Highlight, ArticleSummary]]:
        for summary in self._summaries():
            if summary.highlight_count:
                for h in self._nb.annotations.highlights_for(summary.id):
                    yield h, summary

    def to_json(self, path: str | Path) -> Path:
        """Articles with text and their highlights, and the tags, as one JSON file.

        A flat view for scripts and other tools; it leaves out actors, agreements and
        notes and cannot be imported (``nb.transfer.export_notebook`` writes everything).
        """
        path = Path(path)
        articles = []
        for summary in self._summaries():
            art = self._nb.articles.get(summary.id)
            articles.append({**record_dict(summary), "text": art.text, "sha256": art.sha256,
                             "extra": art.extra,
                             "highlights": [record_dict(h) for h in
                                            self._nb.annotations.highlights_for(summary.id)]})
        document = {
            "format": "dossier-articles",
            "format_version": 1,
            "app_version": app.__version__,
            "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(),
            "notebook": self._nb.name,
            "offsets": "code points of the article text, [start, end)",
            "tags": [record_dict(t) for t in self._nb.tags.list()],
            "articles": articles,
        }
        with atomic_text(path) as handle:
            write_json(handle, document)
        return path

    def to_csv(self, folder: str | Path) -> tuple[Path, Path]:
        """``articles.csv`` and ``highlights.csv`` in ``folder``."""
        folder = Path(folder)
        tags = {t.id: t for t in self._nb.tags.list()}
        articles_csv, highlights_csv = folder / "articles.csv", folder / "highlights.csv"
        with atomic_text(articles_csv, newline="") as handle:
            write_articles_csv(handle, self._summaries())
        with atomic_text(highlights_csv, newline="") as handle:
            write_highlights_csv(handle, self._highlights(), tags)
        return articles_csv, highlights_csv

    def highlights_to_csv(self, path: str | Path) -> Path:
        """One row per highlighted passage (quote, tag paths, memo, article), one file."""
        path = Path(path)
        tags = {t.id: t for t in self._nb.tags.list()}
        with atomic_text(path, newline="") as handle:
            write_highlights_csv(handle, self._highlights(), tags)
        return path

    def highlights_to_xlsx(self, path: str | Path) -> Path:
        """The rows of :meth:`highlights_to_csv` as a "Highlights" sheet of a workbook
        (written beside ``path`` and moved into place only when complete)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
        os.close(fd)
        try:
            write_xlsx(Path(tmp), {"Highlights": (HIGHLIGHT_COLUMNS, self._highlight_rows())})
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return path

    def _highlight_rows(self) -> Iterator[dict[str, Any]]:
        tags = {t.id: t for t in self._nb.tags.list()}
        for h, a in self._highlights():
            yield dict(zip(HIGHLIGHT_COLUMNS, (
                h.id, h.article_id, a.title, a.outlet, a.published, h.start, h.end, h.exact,
                "; ".join(tags[t].path for t in h.tag_ids if t in tags), h.memo, h.author,
                h.created_at.isoformat(), h.modified_at.isoformat()), strict=True))
