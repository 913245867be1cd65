"""Records of text corrections: revisions, re-anchoring outcomes, edit reports, diffs.

An article's text changes only through an explicit edit (or the re-import of a newer
version). Each edit keeps the earlier text as a revision and re-anchors every highlight
(:mod:`app.services.reanchor`): a highlight ends **unchanged** (same span, same words),
**moved** (its words, possibly shrunk or grown by the edit, at a new span) or
**orphaned** (its words are gone: it keeps its old quote and context for review and is
never dropped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, NewType

from app.core.changes import Changes
from app.core.ids import ArticleId, HighlightId
from app.core.records import ArticleSummary

RevisionId = NewType("RevisionId", int)

AnchorState = Literal["unchanged", "moved", "orphaned"]
SegmentKind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """What re-anchoring needs of a highlight: its span and W3C quote selectors.

    ``is_orphaned`` highlights have no valid span (``start`` is only where they were);
    they are anchored by their quote alone.
    """

    id: HighlightId
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    is_orphaned: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where one highlight ends after an edit: ``[start, end)`` code points of the new
    text (an orphan: ``start == end``, the place its words were)."""

    id: HighlightId
    state: AnchorState
    start: int
    end: int
    how: str = ""  # "diff", "exact", "fuzzy" or "" (orphaned): which step placed it


@dataclass(frozen=True, slots=True)
class Revision:
    """One version of an article's text: who made it, when and why.

    ``number`` counts from 1 (the imported text); the article's current text is the
    highest number.
    """

    id: RevisionId
    article_id: ArticleId
    number: int
    created_at: dt.datetime
    author: str
    reason: str
    sha256: str
    char_count: int


@dataclass(frozen=True, slots=True)
class DiffSegment:
    """One run of a diff between two texts, for a viewer: ``text`` is equal in both,
    inserted in the newer or deleted from the older."""

    kind: SegmentKind
    text: str


@dataclass(frozen=True, slots=True)
class Orphan:
    """A highlight whose words an edit removed, with what a reviewer needs to place it."""

    highlight_id: HighlightId
    article_id: ArticleId
    article_title: str
    exact: str
    prefix: str
    suffix: str
    memo: str
    position: int  # where its words were, in the current text


@dataclass(frozen=True, slots=True)
class EditReport:
    """What an edit of an article's text did."""

    article_id: ArticleId
    revision: RevisionId | None  # the new revision; None when the text did not change
    outcomes: tuple[Outcome, ...] = ()
    changes: Changes = field(default_factory=Changes)

    def count(self, state: AnchorState) -> int:
        return sum(1 for o in self.outcomes if o.state == state)

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def moved(self) -> int:
        return self.count("moved")

    @property
    def orphaned(self) -> int:
        return self.count("orphaned")

    @property
    def is_noop(self) -> bool:
        """True when the new text equals the stored one (nothing was written)."""
        return self.revision is None


@dataclass(frozen=True, slots=True)
class NewerVersion:
    """An imported file or page that is a newer version of a stored article (same URL,
    or same file name and title, different text): not added as a new article.
    ``text`` (normalised) replaces the article's text through an edit when the user
    says so (``import --update``; the GUI asks)."""

    source: str
    article: ArticleSummary
    text: str
