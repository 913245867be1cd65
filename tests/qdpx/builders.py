"""Builders of small REFI-QDA files for tests: ``.qde`` XML pieces and ``.qdpx`` zips.

Each piece is written as the tools write it, so a test can mix conventions: GUIDs in
either case, texts with or without BOM and CRLF, inline or internal/relative/absolute
texts, a ``Sources/`` folder, a ``.qde`` named after the project. Offsets helpers count
positions the way NVivo (UTF-16 units, CRLF as two), ATLAS.ti (code points, CRLF as one)
and the standard (code points of the file) do.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "urn:QDA-XML:project:1.0"


def guid(upper: bool = False) -> str:
    value = str(uuid.uuid4())
    return value.upper() if upper else value


def _attrs(**values: object) -> str:
    return "".join(f" {k}={quoteattr(str(v))}" for k, v in values.items() if v is not None)


def project(*, name: str = "Test project", users: str = "", codes: str = "",
            variables: str = "", sources: str = "", notes: str = "", links: str = "",
            extra: str = "", base_path: str | None = None, namespace: str = NS) -> str:
    """A whole ``.qde`` document (sections in the schema's order)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>',
             f"<Project{_attrs(xmlns=namespace, name=name, basePath=base_path)}>"]
    if users:
        parts.append(f"<Users>{users}</Users>")
    if codes:
        parts.append(f"<CodeBook><Codes>{codes}</Codes></CodeBook>")
    if variables:
        parts.append(f"<Variables>{variables}</Variables>")
    parts.append(extra)
    if sources:
        parts.append(f"<Sources>{sources}</Sources>")
    if notes:
        parts.append(f"<Notes>{notes}</Notes>")
    if links:
        parts.append(f"<Links>{links}</Links>")
    parts.append("</Project>")
    return "".join(parts)


def user(user_guid: str, name: str) -> str:
    return f"<User{_attrs(guid=user_guid, name=name)}/>"


def code(code_guid: str, name: str, *, colour: str | None = None, codable: str = "true",
         description: str = "", children: str = "") -> str:
    desc = f"<Description>{escape(description)}</Description>" if description else ""
    return (f"<Code{_attrs(guid=code_guid, name=name, isCodable=codable, color=colour)}>"
            f"{desc}{children}</Code>")


def selection(sel_guid: str, start: int, end: int, *, name: str | None = None,
              codes: Sequence[str] = (), description: str = "", note_refs: Sequence[str] = (),
              creator: str | None = None, created: str | None = None) -> str:
    desc = f"<Description>{escape(description)}</Description>" if description else ""
    codings = "".join(f'<Coding guid="{guid()}"><CodeRef targetGUID="{c}"/></Coding>'
                      for c in codes)
    refs = "".join(f'<NoteRef targetGUID="{n}"/>' for n in note_refs)
    attrs = _attrs(guid=sel_guid, name=name, startPosition=start, endPosition=end,
                   creatingUser=creator, creationDateTime=created)
    return f"<PlainTextSelection{attrs}>{desc}{codings}{refs}</PlainTextSelection>"


def text_source(src_guid: str, name: str, *, path: str | None = None,
                inline: str | None = None, selections: str = "", codes: Sequence[str] = (),
                values: str = "", description: str = "") -> str:
    desc = f"<Description>{escape(description)}</Description>" if description else ""
    content = f"<PlainTextContent>{escape(inline)}</PlainTextContent>" if inline is not None \
        else ""
    codings = "".join(f'<Coding guid="{guid()}"><CodeRef targetGUID="{c}"/></Coding>'
                      for c in codes)
    return (f"<TextSource{_attrs(guid=src_guid, name=name, plainTextPath=path)}>"
            f"{desc}{content}{selections}{codings}{values}</TextSource>")


def variable(var_guid: str, name: str, kind: str = "Text") -> str:
    return f"<Variable{_attrs(guid=var_guid, name=name, typeOfVariable=kind)}/>"


def value(var_guid: str, text: str, element: str = "TextValue") -> str:
    return (f'<VariableValue><VariableRef targetGUID="{var_guid}"/>'
            f"<{element}>{escape(text)}</{element}></VariableValue>")


def note(note_guid: str, name: str, text: str, creator: str | None = None) -> str:
    return (f"<Note{_attrs(guid=note_guid, name=name, creatingUser=creator)}>"
            f"<PlainTextContent>{escape(text)}</PlainTextContent></Note>")


def write_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None,
               qde_name: str = "project.qde") -> Path:
    """A ``.qdpx`` zip with the project XML and the given members (name -> bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


# -- positions as each tool counts them ----------------------------------------------------
def _units16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def nvivo_span(raw: str, words: str, after: int = 0) -> tuple[int, int]:
    """UTF-16 units of the raw text (CRLF as two), as NVivo for Windows writes."""
    at = raw.index(words, after)
    return _units16(raw[:at]), _units16(raw[: at + len(words)])


def atlas_span(raw: str, words: str, after: int = 0) -> tuple[int, int]:
    """Code points with CRLF counted as one, as ATLAS.ti writes."""
    flat = raw.replace("\r\n", "\n")
    at = flat.index(words, after)
    return at, at + len(words)


def standard_span(raw: str, words: str, after: int = 0) -> tuple[int, int]:
    """Code points of the file's text, as the standard says (section 10.2)."""
    at = raw.index(words, after)
    return at, at + len(words)


def spans_of(texts: Iterable[tuple[str, int, int]]) -> list[str]:
    """The stored words of highlights given as (text, start, end)."""
    return [text[start:end] for text, start, end in texts]
