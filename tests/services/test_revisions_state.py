"""Stateful test: random edits, highlights, re-attachments, undos and redos of one article
never lose a highlight, and every highlight always agrees with the stored text."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from app.core.text import normalise_text, quote
from app.ingest.article import ParsedArticle
from app.services import Notebook

PIECES = ["a", "b", " ", "\n", "é", "q\u0301", "😀", "👩\u200d🔬", "Q", "X", "„", "“"]
START = normalise_text("Back to top\nTokajev trifft Trump 😀 in Washington, „sagt“ er.\nEnde")


class EditsKeepHighlights(RuleBasedStateMachine):
    """One article, edited at random with highlights on it."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="dossier-edits-"))
        self.nb = Notebook.open(self.folder / "nb")
        parsed = ParsedArticle("a.txt", "a.txt", "A", START, "de", "", "", "", "")
        self.aid = self.nb.imports.import_parsed([parsed]).imported[0].id

    def _text(self) -> str:
        return self.nb.articles.get(self.aid).text

    def _ids(self) -> set[int]:
        return {h.id for h in self.nb.annotations.highlights_for(self.aid)}

    @rule(data=st.data())
    def add_highlight(self, data: st.DataObject) -> None:
        text = self._text()
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, min(len(text), start + 15)))
        self.nb.annotations.add(self.aid, start, end)

    @rule(data=st.data(), crlf=st.booleans())
    def edit(self, data: st.DataObject, crlf: bool) -> None:
        text = self._text()
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 20)))
        inserted = "".join(data.draw(st.lists(st.sampled_from(PIECES), max_size=12)))
        new = text[:i] + inserted + text[j:]
        if not normalise_text(new).strip():
            return
        before = self._ids()
        report = self.nb.revisions.edit_text(self.aid, new.replace("\n", "\r\n") if crlf
                                             else new)
        assert self._ids() == before
        assert report.is_noop or len(report.outcomes) == len(before)

    @rule(data=st.data())
    def reattach_orphan(self, data: st.DataObject) -> None:
        orphans = self.nb.revisions.orphans(self.aid)
        if not orphans:
            return
        text = self._text()
        start = data.draw(st.integers(0, len(text) - 1))
        self.nb.revisions.reattach(orphans[0].highlight_id, start, start + 1)

    @rule()
    def undo(self) -> None:
        if self.nb.history.can_undo:
            self.nb.history.undo()

    @rule()
    def redo(self) -> None:
        if self.nb.history.can_redo:
            self.nb.history.redo()

    @invariant()
    def highlights_agree_with_text(self) -> None:
        text = self._text()
        for h in self.nb.annotations.highlights_for(self.aid):
            if h.is_orphaned:
                assert 0 <= h.start == h.end <= len(text)
            else:
                sel = quote(text, h.start, h.end)
                assert (h.exact, h.prefix, h.suffix) == (sel.exact, sel.prefix, sel.suffix)

    def teardown(self) -> None:
        self.nb.close()
        shutil.rmtree(self.folder, ignore_errors=True)


EditsKeepHighlights.TestCase.settings = settings(
    max_examples=5, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_edits_keep_highlights_state_machine = EditsKeepHighlights.TestCase
