"""``project.qde``: the project as XML, each element's children in the schema's order.

``Project-mrt2019.xsd`` declares every child list as an ``xsd:sequence``, so order is
part of validity (and some tools read positionally). Each function below writes one
element kind, its children in exactly the order the schema lists them. Containers that
would be empty are left out: the schema requires at least one child in each.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from app.qdpx.export_model import (
    Case,
    Code,
    Coding,
    Link,
    Note,
    Project,
    Selection,
    Set,
    TextSource,
    User,
    Value,
    Variable,
)
from app.qdpx.xmlout import XmlOut

NAMESPACE = "urn:QDA-XML:project:1.0"
INTERNAL = "internal://"


def when(moment: dt.datetime | None) -> str | None:
    """An ``xsd:dateTime`` (Dossier keeps local time without a zone; so does the file)."""
    return None if moment is None else moment.replace(microsecond=0).isoformat()


def write_project(out: XmlOut, project: Project, sources: Iterable[TextSource]) -> None:
    """The whole document, root ``Project`` with its sections in schema order."""
    out.declaration()
    out.start("Project", [("name", project.name), ("origin", project.origin),
                          ("creatingUserGUID", project.user_guid),
                          ("creationDateTime", when(project.created))])
    _users(out, project.users)
    if project.codes:
        out.start("CodeBook")
        codes(out, project.codes)
        out.end("CodeBook")
    _variables(out, project.variables)
    _cases(out, project.cases)
    _sources(out, sources)
    _notes(out, project.notes)
    _links(out, project.links)
    _sets(out, project.sets)
    if project.description:
        out.text("Description", project.description)
    out.end("Project")


def _users(out: XmlOut, users: tuple[User, ...]) -> None:
    if not users:
        return
    out.start("Users")
    for user in users:
        out.empty("User", [("guid", user.guid), ("name", user.name)])
    out.end("Users")


def codes(out: XmlOut, items: tuple[Code, ...]) -> None:
    """``Codes`` with nested ``Code`` elements (Description first, then children)."""
    out.start("Codes")
    for code in items:
        _code(out, code)
    out.end("Codes")


def _code(out: XmlOut, code: Code) -> None:
    attrs = [("guid", code.guid), ("name", code.name),
             ("isCodable", "true" if code.is_codable else "false"), ("color", code.colour)]
    if not code.description and not code.children:
        out.empty("Code", attrs)
        return
    out.start("Code", attrs)
    if code.description:
        out.text("Description", code.description)
    for child in code.children:
        _code(out, child)
    out.end("Code")


def _variables(out: XmlOut, variables: tuple[Variable, ...]) -> None:
    if not variables:
        return
    out.start("Variables")
    for var in variables:
        attrs = [("guid", var.guid), ("name", var.name), ("typeOfVariable", var.type)]
        if var.description:
            out.start("Variable", attrs)
            out.text("Description", var.description)
            out.end("Variable")
        else:
            out.empty("Variable", attrs)
    out.end("Variables")


def _value(out: XmlOut, value: Value) -> None:
    out.start("VariableValue")
    out.empty("VariableRef", [("targetGUID", value.variable.guid)])
    out.text(f"{value.variable.type}Value", value_text(value))
    out.end("VariableValue")


def value_text(value: Value) -> str:
    """The lexical form the variable's XML Schema type wants (no exponent in decimals)."""
    data = value.data
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, float):
        return format(decimal.Decimal(repr(data)), "f")
    if isinstance(data, dt.datetime):
        return data.replace(microsecond=0).isoformat()
    if isinstance(data, dt.date):
        return data.isoformat()
    return str(data)


def _cases(out: XmlOut, cases: tuple[Case, ...]) -> None:
    if not cases:
        return
    out.start("Cases")
    for case in cases:
        out.start("Case", [("guid", case.guid), ("name", case.name)])
        if case.description:
            out.text("Description", case.description)
        for value in case.values:
            _value(out, value)
        for guid in case.source_refs:
            out.empty("SourceRef", [("targetGUID", guid)])
        for guid in case.selection_refs:
            out.empty("SelectionRef", [("targetGUID", guid)])
        out.end("Case")
    out.end("Cases")


def _sources(out: XmlOut, sources: Iterable[TextSource]) -> None:
    started = False
    for source in sources:
        if not started:
            out.start("Sources")
            started = True
        _source(out, source)
    if started:
        out.end("Sources")


def _source(out: XmlOut, source: TextSource) -> None:
    out.start("TextSource", [("guid", source.guid), ("name", source.name),
                             ("plainTextPath", INTERNAL + source.file_name),
                             ("creationDateTime", when(source.created))])
    if source.description:
        out.text("Description", source.description)
    for selection in source.selections:
        _selection(out, selection)
    _note_refs(out, source.note_refs)
    for value in source.values:
        _value(out, value)
    out.end("TextSource")


def _selection(out: XmlOut, sel: Selection) -> None:
    attrs = [("guid", sel.guid), ("name", sel.name), ("startPosition", str(sel.start)),
             ("endPosition", str(sel.end)), ("creatingUser", sel.user_guid),
             ("creationDateTime", when(sel.created)), ("modifyingUser", sel.user_guid),
             ("modifiedDateTime", when(sel.modified))]
    if not (sel.description or sel.codings or sel.note_refs):
        out.empty("PlainTextSelection", attrs)
        return
    out.start("PlainTextSelection", attrs)
    if sel.description:
        out.text("Description", sel.description)
    for coding in sel.codings:
        _coding(out, coding)
    _note_refs(out, sel.note_refs)
    out.end("PlainTextSelection")


def _coding(out: XmlOut, coding: Coding) -> None:
    out.start("Coding", [("guid", coding.guid), ("creatingUser", coding.user_guid),
                         ("creationDateTime", when(coding.created))])
    out.empty("CodeRef", [("targetGUID", coding.code_guid)])
    out.end("Coding")


def _note_refs(out: XmlOut, guids: tuple[str, ...]) -> None:
    for guid in guids:
        out.empty("NoteRef", [("targetGUID", guid)])


def _notes(out: XmlOut, notes: tuple[Note, ...]) -> None:
    if not notes:
        return
    out.start("Notes")
    for note in notes:
        out.start("Note", [("guid", note.guid), ("name", note.name),
                           ("creationDateTime", when(note.created)),
                           ("modifiedDateTime", when(note.modified))])
        out.text("PlainTextContent", note.text)
        out.end("Note")
    out.end("Notes")


def _links(out: XmlOut, links: tuple[Link, ...]) -> None:
    if not links:
        return
    out.start("Links")
    for link in links:
        out.empty("Link", [("guid", link.guid), ("name", link.name),
                           ("direction", link.direction), ("originGUID", link.origin),
                           ("targetGUID", link.target)])
    out.end("Links")


def _sets(out: XmlOut, sets: tuple[Set, ...]) -> None:
    if not sets:
        return
    out.start("Sets")
    for item in sets:
        out.start("Set", [("guid", item.guid), ("name", item.name)])
        if item.description:
            out.text("Description", item.description)
        for tag, guids in (("MemberCode", item.member_codes),
                           ("MemberSource", item.member_sources),
                           ("MemberNote", item.member_notes)):
            for guid in guids:
                out.empty(tag, [("targetGUID", guid)])
        out.end("Set")
    out.end("Sets")
