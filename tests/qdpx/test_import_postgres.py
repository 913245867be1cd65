"""REFI-QDA import into a shared notebook on PostgreSQL (the bulk highlight path)."""

from __future__ import annotations

import pytest

from tests.qdpx import builders as b

TEXT = "Tokayev 😀 met the envoy.\r\nThe delegation signed 37 Boeing jets.\r\n"


@pytest.mark.postgres
def test_project_imports_into_postgres_on_the_same_words(pg_notebook, tmp_path):
    """Highlights written in batches (INSERT … RETURNING) land on the same words and
    keep their tags and order on PostgreSQL too; a second import reuses the passages."""
    code, src = b.guid(), b.guid()
    words = ["envoy", "delegation signed", "37 Boeing jets"]
    sels = "".join(b.selection(b.guid(), *b.nvivo_span(TEXT, w), codes=[code],
                               description=f"memo {i}") for i, w in enumerate(words))
    qde = b.project(codes=b.code(code, "Trade", colour="#123456"),
                    sources=b.text_source(src, "Report", path=f"internal://{src}.txt",
                                          selections=sels))
    path = b.write_qdpx(tmp_path / "pg.qdpx", qde, {f"sources/{src}.txt": TEXT.encode()})
    report = pg_notebook.qdpx_import.import_project(path)
    again = pg_notebook.qdpx_import.import_project(path)
    found = [(h.exact, h.memo, len(h.tag_ids))
             for h in pg_notebook.annotations.highlights_for(report.articles[0])]
    assert found == [(w, f"memo {i}", 1) for i, w in enumerate(words)]
    assert again.articles == report.articles and again.sources == 0
