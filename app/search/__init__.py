"""Full-text search over a notebook's articles (Whoosh); no database access.

The public surface: :class:`IndexDoc` (what to index), :class:`SearchIndex`
(open, write, search), :func:`merge_segments` (fold small segments, off the
GUI thread) and :func:`parse_query` (the user query language, see
:mod:`app.search.query_syntax`). Results are :class:`app.core.records.SearchResults`.
"""

from app.search.index import SearchIndex
from app.search.merging import merge_segments
from app.search.query_builder import Expand, parse_query
from app.search.schema import SCHEMA_VERSION, IndexDoc

__all__ = ["SCHEMA_VERSION", "Expand", "IndexDoc", "SearchIndex", "merge_segments", "parse_query"]
