"""import(export(notebook)) gives the notebook back: articles, tags with hierarchy and
colours, passages on the same words with their tags and memos, and notes (their links
pointing at the same passages and articles, whose ids differ in the new notebook)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.qdpx.export_notebook import Built, build

LINK = re.compile(r"\[\[(passage|article):(\d+)(\|[^\]]*)?\]\]", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build(tmp_path_factory.mktemp("roundtrip"))
    yield b
    b.nb.close()


def articles(nb: Any) -> dict[str, tuple[object, ...]]:
    """Each article by title: text, metadata and extra metadata."""
    from app.core.records import ArticleFilter

    out = {}
    for s in nb.articles.list(ArticleFilter(sort="id"), limit=1000).items:
        a = nb.articles.get(s.id)
        out[s.title] = (a.text, s.outlet, s.language, s.published, s.url, s.author,
                        s.original_name, a.extra)
    return out


def passages(nb: Any) -> dict[tuple[str, int, int], tuple[object, ...]]:
    """Each highlight by (article title, start, end): words, memo, tag paths, author."""
    paths = {t.id: t.path for t in nb.tags.list()}
    out = {}
    for title, article_id in titles(nb).items():
        for h in nb.annotations.highlights_for(article_id):
            out[(title, h.start, h.end)] = (h.exact, h.memo,
                                            tuple(sorted(paths[t] for t in h.tag_ids)), h.author)
    return out


def titles(nb: Any) -> dict[str, int]:
    from app.core.records import ArticleFilter

    return {s.title: s.id for s in nb.articles.list(ArticleFilter(sort="id"), limit=1000).items}


def notes(nb: Any, rewrite: Any = None) -> dict[str, tuple[str | None, str]]:
    """Each note by title: its parent's title and its body (links rewritten if asked)."""
    summaries = {n.id: n for n in nb.notes.list()}
    out = {}
    for n in summaries.values():
        body = nb.notes.get(n.id).body
        parent = summaries[n.parent_id].title if n.parent_id else None
        out[n.title] = (parent, LINK.sub(rewrite, body) if rewrite else body)
    return out


def roundtrip(built: Built, tmp_path: Path, nvivo: bool) -> Any:
    from app.services import Notebook, QdpxExportService

    path = tmp_path / "export.qdpx"
    QdpxExportService(built.nb).export_project(path, nvivo_offsets=nvivo)
    copy = Notebook.open(tmp_path / "copy")
    copy.qdpx_import.import_project(path)
    return copy


@pytest.mark.parametrize("nvivo", [False, True])
def test_roundtrip_gives_articles_tags_and_passages_back(built: Built, tmp_path: Path,
                                                         nvivo: bool) -> None:
    """Same articles (text and metadata), same tag tree with colours and descriptions,
    every highlight on the same words with the same tags, memo and author, in both
    offset conventions."""
    with roundtrip(built, tmp_path, nvivo) as copy:
        assert articles(copy) == articles(built.nb)
        tags = sorted((t.path, t.colour, t.description) for t in built.nb.tags.list())
        assert sorted((t.path, t.colour, t.description) for t in copy.tags.list()) == tags
        assert passages(copy) == passages(built.nb)


def test_roundtrip_gives_notes_back_with_links_on_the_same_records(built: Built,
                                                                   tmp_path: Path) -> None:
    """Same notes (title, parent, Markdown); a link to a passage or an article by id
    points at the same words or article in the copy."""
    with roundtrip(built, tmp_path, nvivo=False) as copy:
        old_spans = {h.id: (title, h.start, h.end) for title, aid in titles(built.nb).items()
                     for h in built.nb.annotations.highlights_for(aid)}
        new_ids = {(title, h.start, h.end): h.id for title, aid in titles(copy).items()
                   for h in copy.annotations.highlights_for(aid)}
        old_titles = {aid: title for title, aid in titles(built.nb).items()}
        new_articles = titles(copy)

        def remap(match: re.Match[str]) -> str:
            kind, old = match.group(1).lower(), int(match.group(2))
            new = (new_ids[old_spans[old]] if kind == "passage"
                   else new_articles[old_titles[old]])
            return f"[[{kind}:{new}{match.group(3) or ''}]]"

        assert notes(copy) == notes(built.nb, remap)


def test_codebook_roundtrip_gives_the_tag_tree_back(built: Built, tmp_path: Path) -> None:
    """A .qdc imported into an empty notebook gives the same tags, colours, descriptions."""
    from app.services import Notebook, QdpxExportService

    QdpxExportService(built.nb).export_codebook(tmp_path / "tags.qdc")
    with Notebook.open(tmp_path / "copy") as copy:
        copy.qdpx_import.import_codebook(tmp_path / "tags.qdc")
        got = sorted((t.path, t.colour, t.description) for t in copy.tags.list())
    assert got == sorted((t.path, t.colour, t.description) for t in built.nb.tags.list())
