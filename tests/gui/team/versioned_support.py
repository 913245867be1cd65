"""Shared by the versioned-edit GUI tests (issue 13): two clients of one SQLite notebook,
a controller that opens the real conflict dialog, and a live relay as the window's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.gui.common.controller import NotebookController
from app.gui.team.conflict_dialog import ConflictDialog, show_conflict
from app.services import Notebook
from tests.clients import two_clients


@pytest.fixture(name="clients")
def clients_fixture(tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Anna (who uses the GUI) and Bert, two clients of one SQLite notebook."""
    with two_clients(tmp_path, "anna", "bert") as pair:
        yield pair


def gui_controller(nb: Notebook) -> tuple[NotebookController, list[ConflictDialog]]:
    """A controller whose conflicts open the real conflict dialog (as the main window's
    team actions do); the list collects the dialogs shown."""
    controller = NotebookController(nb)
    shown: list[ConflictDialog] = []

    def handler(error: Any, parent: Any) -> ConflictDialog:
        dialog = show_conflict(controller, error, parent)
        shown.append(dialog)
        return dialog

    controller.conflict_handler = handler
    return controller, shown


def follow_live(nb: Notebook, controller: NotebookController) -> None:
    """Relay the notebook's live updates to the controller as the window's LiveRelay
    does (``nb.live.check()`` then delivers a colleague's edits)."""
    nb.live.subscribe(lambda update: controller.changed.emit(update.changes))


def cells(dialog: ConflictDialog, field: str) -> list[str]:
    """Base, mine and theirs of ``field`` as the dialog shows them."""
    row = dialog.fields().index(field)
    return [dialog.table.cellWidget(row, c).text() for c in (1, 2, 3)]


def import_article(nb: Notebook, folder: Path, text: str) -> int:
    """Import ``text`` as an article; its id."""
    source = folder / "article.txt"
    source.write_text(text, encoding="utf-8")
    return int(nb.imports.import_paths([source]).imported[0].id)
