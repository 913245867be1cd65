"""A form filled from a record, edited by the user and saved as a versioned write.

The form remembers the record as it showed it (:attr:`SeenForm.shown`); a save passes it
as ``seen`` so that a colleague's change made since merges or becomes a conflict instead
of being overwritten (issue 13, "No lost update"). When the record changes under the form
(a colleague's edit arriving live, or the user's own save), :meth:`SeenForm.refresh` puts
the new values into every field the user has not edited and keeps the edited ones; while
any field holds an unsaved edit, ``shown`` stays the record that edit began from, so
saving it is based on what the user really saw. Once every field matches the stored
record again, ``shown`` becomes that record (with its new version): the next save is not
a false conflict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

R = TypeVar("R")
Getter = Callable[[], object]
Setter = Callable[[Any], None]


class SeenForm(Generic[R]):
    """Fields (name -> read the widget, write the widget) of one record kind.

    ``values`` gives a record's value for every field, as the widgets show it.
    """

    def __init__(self, fields: Mapping[str, tuple[Getter, Setter]],
                 values: Callable[[R], Mapping[str, object]]) -> None:
        self._fields = dict(fields)
        self._values = values
        self.shown: R | None = None
        self._latest: R | None = None  # the newest record shown in the untouched fields

    def fill(self, record: R | None) -> None:
        """Show ``record`` in every field, dropping any edits (None: remember nothing;
        the view clears its widgets itself)."""
        self.shown = self._latest = record
        if record is not None:
            for name, value in self._values(record).items():
                self._fields[name][1](value)

    def current(self) -> dict[str, object]:
        """What every field holds now."""
        return {name: get() for name, (get, _put) in self._fields.items()}

    def edited(self) -> list[str]:
        """The fields the user changed and has not saved."""
        if self._latest is None:
            return []
        latest = self._values(self._latest)
        return [name for name, value in self.current().items() if value != latest[name]]

    def is_dirty(self) -> bool:
        return bool(self.edited())

    def refresh(self, record: R) -> None:
        """The record changed in the notebook: show its new values in the fields the user
        has not edited; keep the edited ones (see the module docstring)."""
        if self.shown is None or getattr(self.shown, "id", None) != getattr(record, "id", None):
            self.fill(record)
            return
        assert self._latest is not None
        old, new = self._values(self._latest), self._values(record)
        for name, (get, put) in self._fields.items():
            if get() == old[name] and new[name] != old[name]:
                put(new[name])
        self._latest = record
        if self.current() == dict(new):
            self.shown = record
        else:
            log.debug("form keeps unsaved edits of %s", ", ".join(self.edited()))
