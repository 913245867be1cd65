"""SeenForm, the base of every versioned form (issue 13): a refresh shows a colleague's
values in untouched fields, keeps typed ones, and moves the form's base (``shown``) to the
new record only when no unsaved edit is left."""

from __future__ import annotations

from dataclasses import dataclass

from app.gui.common.seen_form import SeenForm


@dataclass(frozen=True)
class Rec:
    id: int
    version: int
    title: str
    note: str


def _form() -> tuple[SeenForm[Rec], dict[str, object]]:
    widgets: dict[str, object] = {"title": "", "note": ""}
    fields = {name: (lambda n=name: widgets[n], lambda v, n=name: widgets.__setitem__(n, v))
              for name in widgets}
    return SeenForm(fields, lambda r: {"title": r.title, "note": r.note}), widgets


def test_refresh_of_an_untouched_form_shows_the_new_record_and_version() -> None:
    """Nothing typed: every field and the base follow the record."""
    form, widgets = _form()
    form.fill(Rec(1, 1, "a", "x"))
    new = Rec(1, 2, "b", "y")
    form.refresh(new)
    assert widgets == {"title": "b", "note": "y"} and form.shown is new


def test_refresh_keeps_typed_fields_and_the_old_base() -> None:
    """A typed title stays; the colleague's note shows; the base stays the record the
    typing began from until the form matches the stored record again."""
    form, widgets = _form()
    old = Rec(1, 1, "a", "x")
    form.fill(old)
    widgets["title"] = "mine"
    form.refresh(Rec(1, 2, "theirs", "y"))
    assert widgets == {"title": "mine", "note": "y"}
    assert form.shown is old and form.edited() == ["title"]
    saved = Rec(1, 3, "mine", "y")
    form.refresh(saved)
    assert form.shown is saved and not form.is_dirty()


def test_refresh_with_another_record_fills_everything() -> None:
    """A different record (another id) replaces the form, typed values included."""
    form, widgets = _form()
    form.fill(Rec(1, 1, "a", "x"))
    widgets["title"] = "typed"
    other = Rec(2, 1, "c", "z")
    form.refresh(other)
    assert widgets == {"title": "c", "note": "z"} and form.shown is other


def test_untouched_fields_follow_every_refresh_while_another_is_typed() -> None:
    """Two colleague edits of the note arrive while a title is typed: the note shows
    both in turn; the title stays typed."""
    form, widgets = _form()
    form.fill(Rec(1, 1, "a", "x"))
    widgets["title"] = "mine"
    form.refresh(Rec(1, 2, "a", "y"))
    form.refresh(Rec(1, 3, "a", "z"))
    assert widgets == {"title": "mine", "note": "z"} and form.edited() == ["title"]
