"""Read a ``.qdpx`` project or a ``.qdc`` codebook into plain records, leniently.

Real files fail the schema in small ways (attributes missing or in another case, no
namespace, elements out of order): such things are recorded as problems and reading goes
on. References (codings, note references, users, variables) are checked here: one that
points nowhere is a problem, never a crash.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from app.core.errors import IngestError
from app.qdpx import xml
from app.qdpx.archive import open_qdpx
from app.qdpx.colours import parse_colour
from app.qdpx.read_model import QdaCode, QdaProject, QdaSelection, canonical_guid
from app.qdpx.read_sources import SourceReader

log = logging.getLogger(__name__)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
UNSUPPORTED = ("Cases", "Sets", "Graphs")


def read_project(path: str | Path) -> QdaProject:
    """Parse a ``.qdpx`` file with the texts of its sources.

    Raises:
        IngestError: the file cannot be opened as a project (damaged or unsafe zip, no
            ``.qde``, malformed XML, not a ``Project``), one line naming the file.
    """
    path = Path(path)
    archive = open_qdpx(path)
    try:
        root = xml.parse(archive.qde_bytes(), str(path), archive.qde_name)
        if xml.local(root) != "Project":
            raise IngestError(str(path), f"{archive.qde_name} is not a REFI-QDA project "
                              f"(its root element is <{xml.local(root)}>, not <Project>)")
        project = QdaProject(name=xml.attr(root, "name") or path.stem,
                             origin=xml.attr(root, "origin"))
        _check_namespace(project, root, PROJECT_NS, archive.qde_name)
        _read_users(project, root)
        read_codes(project, xml.child(xml.child(root, "CodeBook"), "Codes"))
        SourceReader(project, archive, xml.attr(root, "basePath"), path).read(root)
        _count_unsupported(project, root)
        check_references(project)
        return project
    finally:
        archive.close()


def read_codebook(path: str | Path) -> QdaProject:
    """Parse a ``.qdc`` codebook: a project with codes only.

    Raises:
        IngestError: unreadable, malformed XML, or not a ``CodeBook``.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    root = xml.parse(data, str(path), path.name)
    if xml.local(root) != "CodeBook":
        raise IngestError(str(path), f"not a REFI-QDA codebook (its root element is "
                          f"<{xml.local(root)}>, not <CodeBook>)")
    project = QdaProject(name=path.stem, origin=xml.attr(root, "origin"))
    _check_namespace(project, root, CODEBOOK_NS, path.name)
    read_codes(project, xml.child(root, "Codes"))
    return project


def _check_namespace(project: QdaProject, root: xml.Element, expected: str,
                     member: str) -> None:
    found = xml.namespace(root)
    if found != expected:
        project.problem(member, f"namespace {found or '(none)'!r} instead of {expected!r}; "
                        "read anyway")


def _read_users(project: QdaProject, root: xml.Element) -> None:
    for user in xml.children(xml.child(root, "Users"), "User"):
        guid = canonical_guid(xml.attr(user, "guid"))
        if not guid:
            project.problem("user", "a <User> without a guid is ignored")
            continue
        project.users[guid] = (xml.attr(user, "name") or xml.attr(user, "id")
                               or f"user {guid[:8]}").strip()


def read_codes(project: QdaProject, codes: xml.Element | None) -> None:
    """Append the code tree under ``codes`` to ``project.codes``, parents first."""
    stack = [(code, "") for code in reversed(list(xml.children(codes, "Code")))]
    seen = {c.guid for c in project.codes}
    while stack:
        element, parent = stack.pop()
        code = _code(project, element, parent, len(seen))
        if code.guid in seen:
            project.problem(f"code '{code.name}'", f"its guid {code.guid} is used twice; "
                            "the second code and its children are ignored")
            continue
        seen.add(code.guid)
        project.codes.append(code)
        stack.extend((c, code.guid) for c in reversed(list(xml.children(element, "Code"))))


def _code(project: QdaProject, element: xml.Element, parent: str, number: int) -> QdaCode:
    name = xml.attr(element, "name").strip()
    guid = canonical_guid(xml.attr(element, "guid"))
    if not guid:
        guid = f"missing-guid-{number}"
        project.problem(f"code '{name}'", "has no guid; nothing can refer to it")
    if not name:
        name = f"Code {number + 1}"
        project.problem(f"code {guid}", f"has no name; called '{name}'")
    colour, problem = parse_colour(xml.attr(element, "color") or xml.attr(element, "colour"))
    if problem:
        project.problem(f"code '{name}'", problem)
    codable = xml.attr(element, "isCodable").strip().lower() not in ("false", "0")
    return QdaCode(guid, name, codable, colour, xml.text_of(element, "Description").strip(),
                   parent)


def _count_unsupported(project: QdaProject, root: xml.Element) -> None:
    for section in UNSUPPORTED:
        for element in xml.children(root, section):
            count = len(element)
            if count:
                project.unsupported[section] = project.unsupported.get(section, 0) + count


def check_references(project: QdaProject) -> None:
    """Drop references that point nowhere, recording each as a problem."""
    codes = {c.guid for c in project.codes}
    notes = {n.guid for n in project.notes}
    missing_users: set[str] = set()
    for source in project.sources:
        kept = []
        for selection in source.selections:
            where = f"selection '{_short(selection.name) or selection.guid}' in '{source.name}'"
            good = tuple(g for g in selection.codes if g in codes)
            for bad in set(selection.codes) - codes:
                project.problem(where, f"its coding refers to code {bad}, which does not exist")
            good_notes = tuple(g for g in selection.notes if g in notes)  # reported once,
            if selection.user and selection.user not in project.users:
                missing_users.add(selection.user)
            kept.append(_replace_refs(selection, good, good_notes))  # by the note reader
        source.selections = kept
        for bad in set(source.codes) - codes:
            project.problem(f"source '{source.name}'",
                            f"its coding refers to code {bad}, which does not exist")
        source.codes = tuple(g for g in source.codes if g in codes)
    for user in sorted(missing_users):
        project.problem(f"user {user}", "is named as creator but not declared in <Users>; "
                        "those highlights have no author")


def _replace_refs(selection: QdaSelection, codes: tuple[str, ...],
                  notes: tuple[str, ...]) -> QdaSelection:
    if codes == selection.codes and notes == selection.notes:
        return selection
    return replace(selection, codes=codes, notes=notes)


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
