"""Correcting an article's text: edits, trims, revisions, diffs and the review of orphans.

Every edit is one undoable transaction: the article's new text, the revision rows and
every re-anchored highlight are recorded ops (:class:`~app.services.unit.Writer`), so
one undo restores the text and every annotation's old position. Highlights are never
deleted here: one whose words are gone is orphaned (:mod:`app.services.reanchor`) and
listed by :meth:`RevisionService.orphans` until it is re-attached or deleted (with
``nb.annotations``). Mentions, evidence and passage links point at highlight ids, so they
follow; the search document of the article is re-queued by the Writer because its text
changed.
"""

from __future__ import annotations

import datetime as dt
import logging

from app.core.changes import Changes
from app.core.errors import ConflictError, NotFound, ValidationError
from app.core.ids import ArticleId
from app.core.revisions import DiffSegment, EditReport, Orphan, Outcome, Revision, RevisionId
from app.core.text import check_span, normalise_text, quote, text_sha256
from app.core.text_merge import TextClash, merge_lines, merge_regions
from app.services.reanchor import TextDiff, reanchor
from app.services.unit import Transaction, Writer
from app.store import revisions
from app.store.engine import translated_errors
from app.store.sessions import Sessions

log = logging.getLogger(__name__)


class RevisionService:
    """Edit article texts with their highlights following (``nb.revisions``)."""

    def __init__(self, sessions: Sessions, writer: Writer, author: str = "") -> None:
        self._sessions = sessions
        self._writer = writer
        self._author = author

    # -- edits -------------------------------------------------------------------------
    def edit_text(self, article_id: int, new_text: str, reason: str = "",
                  base: str | None = None) -> EditReport:
        """Replace an article's text as a new revision and re-anchor its highlights.

        ``new_text`` is normalised as imports are (line ends, NFC), so a change of line
        ends or normalisation form alone changes nothing. ``base``, the text the editor
        began from, makes it a versioned write (issue 13): when a colleague saved another
        text since, both edits are merged line by line; when they changed the same lines
        a ConflictError naming them is raised and nothing is written. Raises NotFound, or
        ValidationError for an empty text or the text of another article.
        """
        new = normalise_text(new_text)
        if not new.strip():
            raise ValidationError(f"the new text of article {article_id} is empty")
        title = self._article(article_id)[0]
        with self._writer.edit(f"edit text of '{_short(title)}'") as tx:
            # read inside the transaction: the diff must start from the stored text
            _, old, imported_at = self._article(article_id, tx)
            if base is not None:
                new = self._merged(tx, article_id, title, normalise_text(base), new, old)
            if new == old:
                return EditReport(ArticleId(article_id), None)
            self._check_unique(tx, article_id, new)
            outcomes, revision = self._replace(tx, article_id, old, new, reason.strip(),
                                               imported_at)
        report = EditReport(ArticleId(article_id), revision, tuple(outcomes), tx.changes)
        log.info("article %s: %d unchanged, %d moved, %d orphaned", article_id,
                 report.unchanged, report.moved, report.orphaned)
        return report

    def preview(self, article_id: int, new_text: str) -> tuple[Outcome, ...]:
        """Where each highlight would go if ``new_text`` were saved (nothing is written):
        for an editor's "3 highlights will need review" before Save."""
        new = normalise_text(new_text)
        with translated_errors(), self._sessions() as session:
            found = revisions.article_text(session, article_id)
            if found is None:
                raise NotFound(f"article {article_id} does not exist")
            anchors = revisions.anchors(session, article_id)
        return tuple(reanchor(found[1], new, anchors))

    def trim_above(self, article_id: int, cp: int, base: str | None = None) -> EditReport:
        """Remove the text before code point ``cp`` (page furniture at the top). ``base``,
        the text ``cp`` counts in (as the reader showed it), makes it a versioned write
        as in :meth:`edit_text`: a colleague's edit since is kept, not cut at a wrong place."""
        text = self._article(article_id)[1] if base is None else normalise_text(base)
        _check_cut(text, cp)
        return self.edit_text(article_id, text[cp:], reason="trimmed above", base=base)

    def trim_below(self, article_id: int, cp: int, base: str | None = None) -> EditReport:
        """Remove the text from code point ``cp`` on (page furniture at the bottom);
        ``base`` as in :meth:`trim_above`."""
        text = self._article(article_id)[1] if base is None else normalise_text(base)
        _check_cut(text, cp)
        return self.edit_text(article_id, text[:cp], reason="trimmed below", base=base)

    def reattach(self, highlight_id: int, start: int, end: int) -> Changes:
        """Put a highlight (an orphan, usually) on ``[start, end)`` of its article's
        current text; it is no longer orphaned."""
        with self._writer.edit("re-attach highlight") as tx:
            found = revisions.anchor(tx.session, highlight_id)
            if found is None:
                raise NotFound(f"highlight {highlight_id} does not exist")
            text = self._article(found[0], tx)[1]
            check_span(text, start, end)
            revisions.place_highlight(tx.rec, highlight_id, _placed(text, start, end))
        return tx.changes

    # -- reads -------------------------------------------------------------------------
    def revisions(self, article_id: int) -> list[Revision]:
        """The article's revisions, oldest first; empty if its text was never edited
        (the imported text is then the only one)."""
        self._article(article_id)
        with translated_errors(), self._sessions() as session:
            return revisions.of_article(session, article_id)

    def revision_text(self, revision_id: int) -> str:
        """The text of one revision. Raises NotFound."""
        with translated_errors(), self._sessions() as session:
            text = revisions.text_of(session, revision_id)
        if text is None:
            raise NotFound(f"revision {revision_id} does not exist")
        return text

    def diff(self, article_id: int, rev_a: int | None,
             rev_b: int | None = None) -> list[DiffSegment]:
        """The differences from revision ``rev_a`` to ``rev_b`` of an article, as runs
        of equal, inserted and deleted text. ``None`` stands for the current text."""
        texts = [self._text_at(article_id, rev) for rev in (rev_a, rev_b)]
        return TextDiff(texts[0], texts[1]).runs()

    def orphans(self, article_id: int | None = None) -> list[Orphan]:
        """Highlights whose words an edit removed ("Needs review"), with their old
        quote and context; of one article or of the whole notebook."""
        with translated_errors(), self._sessions() as session:
            return revisions.orphans(session, article_id)

    # -- helpers -----------------------------------------------------------------------
    def _article(self, article_id: int,
                 tx: Transaction | None = None) -> tuple[str, str, dt.datetime]:
        if tx is not None:
            found = revisions.article_text(tx.session, article_id)
        else:
            with translated_errors(), self._sessions() as session:
                found = revisions.article_text(session, article_id)
        if found is None:
            raise NotFound(f"article {article_id} does not exist")
        return found

    def _text_at(self, article_id: int, revision_id: int | None) -> str:
        if revision_id is None:
            return self._article(article_id)[1]
        with translated_errors(), self._sessions() as session:
            found = revisions.get(session, revision_id)
            text = revisions.text_of(session, revision_id)
        if found is None or text is None or found.article_id != article_id:
            raise NotFound(f"article {article_id} has no revision {revision_id}")
        return text

    @staticmethod
    def _merged(tx: Transaction, article_id: int, title: str, base: str, new: str,
                old: str) -> str:
        """``new`` (an edit of ``base``) merged with the stored text ``old``, which a
        colleague may have saved since the edit began. When they changed the same lines
        differently, a ConflictError carries every region (:class:`TextClash`) for the
        user to merge by hand; nothing is written."""
        if base == old:
            return new
        merged = merge_lines(base, new, old)
        if merged is None:
            found = revisions.of_article(tx.session, article_id)
            last = found[-1] if found else None
            who = (last.author if last else "") or "another writer"
            clash = TextClash("article", article_id, title, merge_regions(base, new, old), who,
                              last.created_at if last else None)
            raise ConflictError("article", {"id": article_id},
                                f"its text was changed by {who} since you began editing, "
                                f"in the same lines ({len(clash.clashes)} places); nothing "
                                "was saved", text_clash=clash)
        return merged

    @staticmethod
    def _check_unique(tx: Transaction, article_id: int, new: str) -> None:
        other = revisions.article_with_key(tx.session, new)
        if other is not None and other != article_id:
            raise ValidationError(f"article {other} already has this text; "
                                  f"article {article_id} was not changed")

    def _replace(self, tx: Transaction, article_id: int, old: str, new: str, reason: str,
                 imported_at: dt.datetime) -> tuple[list[Outcome], RevisionId]:
        """Write the new text, its revision (and the imported text as revision 1 on the
        first edit) and every highlight's new place."""
        now = dt.datetime.now().replace(microsecond=0)
        number = revisions.latest_number(tx.session, article_id)
        if number == 0:
            revisions.add(tx.rec, article_id, 1, old, author="", reason="imported",
                          created_at=imported_at)
            number = 1
        revision = revisions.add(tx.rec, article_id, number + 1, new, author=self._author,
                                 reason=reason, created_at=now)
        revisions.replace_text(tx.rec, article_id, new)
        outcomes = reanchor(old, new, revisions.anchors(tx.session, article_id))
        digest = text_sha256(new)
        revisions.place_highlights(tx.rec, {o.id: _outcome_values(new, digest, o)
                                            for o in outcomes})
        return outcomes, revision


def _outcome_values(new: str, digest: str, outcome: Outcome) -> dict[str, object]:
    """Columns of a highlight after re-anchoring. An orphan keeps its old quote, context
    and text hash (what a reviewer needs) and a zero-width place where its words were."""
    if outcome.state == "orphaned":
        return {"start": outcome.start, "end": outcome.end, "is_orphaned": 1}
    return _placed(new, outcome.start, outcome.end, digest)


def _placed(text: str, start: int, end: int, digest: str = "") -> dict[str, object]:
    """Columns of a highlight on ``text[start:end]`` (``digest``: the text's sha256, if
    already computed)."""
    selector = quote(text, start, end)
    return {"start": start, "end": end, "exact": selector.exact, "prefix": selector.prefix,
            "suffix": selector.suffix, "text_sha256": digest or text_sha256(text),
            "is_orphaned": 0}


def _check_cut(text: str, cp: int) -> None:
    if not 0 < cp < len(text):
        raise ValidationError(f"cannot trim at {cp}: the text has {len(text)} code points")


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

