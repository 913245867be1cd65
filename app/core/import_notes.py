"""What an import tells the user beyond "imported": notes, skipped entries, trim suggestions.

Import never silently changes or drops anything: an assumed encoding, a metadata date
that is not a real date, a file met while walking a folder that is not imported, and
page furniture above a headline (``back to top``, a byline, a date line) are all
reported. These records travel from :mod:`app.ingest` through the import service to
the CLI and GUI summaries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TrimSuggestion:
    """Lines of page furniture at the start of an article, offered for trimming.

    ``start``/``end`` are ``[start, end)`` in code points of the stored article text;
    ``lines`` are the furniture lines in that range (1-based ``first_line`` to
    ``last_line`` of the stored text). Nothing is removed on import: a later, undoable
    edit may apply the suggestion.
    """

    start: int
    end: int
    first_line: int
    last_line: int
    lines: tuple[str, ...]

    def describe(self) -> str:
        """One line for reports: which lines, which range, what they say."""
        shown = " | ".join(line if len(line) <= 40 else line[:39] + "…" for line in self.lines)
        where = (f"line {self.first_line}" if self.first_line == self.last_line
                 else f"lines {self.first_line}-{self.last_line}")
        return (f"page furniture before the headline could be trimmed: {where} "
                f"(characters {self.start}-{self.end}): {shown}")


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """A file or folder met while walking a folder and not imported, with the reason."""

    source: str
    reason: str
