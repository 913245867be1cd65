"""From a record's search document (built in ``app.store``) to what Whoosh indexes.

Articles and notes go into one index with the same fields and analyzers, so one query
ranks both on one BM25F scale; ``kind`` tells them apart and their ids are unique per
kind only (the index's unique key is :func:`app.search.schema.doc_key`).
"""

from __future__ import annotations

from app.core.documents import ArticleDocument
from app.core.notes import NoteDocument
from app.search.schema import IndexDoc

ARTICLE, NOTE = "article", "note"

def from_article(doc: ArticleDocument) -> IndexDoc:
    """An article's index document."""
    return IndexDoc(article_id=doc.id, rev=doc.rev, title=doc.title, body=doc.text,
                    language=doc.language, outlet=doc.outlet, published=doc.published,
                    tags=doc.tags, actors=doc.actors, kind=ARTICLE)


def from_note(doc: NoteDocument) -> IndexDoc:
    """A note's index document (its revision, date and language as the note defines)."""
    return IndexDoc(article_id=doc.id, rev=doc.rev, title=doc.title, body=doc.body,
                    language=doc.language, outlet="", published=doc.published,
                    actors=doc.actor_names, kind=NOTE)
