"""A dock's contents cannot widen the window's side beyond a cap: at 1024 x 700 the
readers keep their room whatever the docks hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.gui.reader.pane import MIN_READER_WIDTH
from app.gui.window.base import MAX_DOCK_MINIMUM


def _wide_form() -> QWidget:
    form = QWidget()
    row = QHBoxLayout(form)
    for number in range(6):
        label = QLabel(f"filter {number}")
        label.setMinimumWidth(150)
        row.addWidget(label)
    return form


def test_wide_dock_contents_do_not_squeeze_the_readers_at_1024(qtbot, notebook, make_window):
    """A dock whose form needs 900 px, tabbed with the inspector, leaves the reader area
    at least a reader's minimum width at 1024 px."""
    window = make_window(notebook)
    form = _wide_form()
    assert form.minimumSizeHint().width() > 900
    dock = window.add_dock("Wide", "WideDock", form, Qt.DockWidgetArea.RightDockWidgetArea,
                           tab_with=window.inspector_dock)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    dock.raise_()
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1024 - MIN_READER_WIDTH // 2
    assert window.reader_area.width() >= MIN_READER_WIDTH
    assert dock.minimumSizeHint().width() <= MAX_DOCK_MINIMUM.width() + 10


def test_narrow_dock_contents_keep_their_own_minimum(qtbot, notebook, make_window):
    """The library (narrower than the cap) keeps its minimum: its dock is never narrower."""
    window = make_window(notebook)
    hint = window.library.minimumSizeHint().width()
    assert hint <= MAX_DOCK_MINIMUM.width()
    assert window.library.minimumWidth() == 0  # no explicit minimum was set
    assert window.library_dock.minimumSizeHint().width() >= hint
