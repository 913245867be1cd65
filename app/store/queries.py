"""Moved to :mod:`app.store.tags` and :mod:`app.store.highlights`.

A thin re-export under the old names, kept while ``app.services.unit`` and
``app.services.indexing`` still import from here; new code imports the new modules.
"""

from __future__ import annotations

from app.store.highlights import tag_ids as highlight_tag_ids
from app.store.tags import article_tag_paths
from app.store.tags import parents as tag_parents
from app.store.tags import paths as tag_paths
from app.store.tags import subtree_ids as tag_subtree_ids

__all__ = ["article_tag_paths", "highlight_tag_ids", "tag_parents", "tag_paths",
           "tag_subtree_ids"]
