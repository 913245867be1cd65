"""Full-text search over a notebook's articles (Whoosh); no database access.

The public surface: :class:`IndexDoc` (what to index), :class:`SearchIndex`
(open, write, search) and :func:`parse_query` (the user query language, see
:mod:`app.search.query_syntax`). Results are :class:`app.core.records.SearchResults`.
"""

from app.search.index import SearchIndex
from app.search.query_builder import Expand, parse_query
from app.search.schema import SCHEMA_VERSION, IndexDoc

__all__ = ["SCHEMA_VERSION", "Expand", "IndexDoc", "SearchIndex", "parse_query"]
