"""Sources, their selections and variables, notes and links of a ``.qde``.

A text source's plain text comes from ``PlainTextContent`` or ``plainTextPath``
(:mod:`app.qdpx.paths`), decoded with or without a BOM by ingest's decoder. A PDF,
picture or media source counts as text only through the text it carries (a PDF's
``Representation``, a picture's ``TextDescription``, a media ``Transcript``); otherwise
it is skipped with the reason.
"""

from __future__ import annotations

from pathlib import Path

from app.core.errors import IngestError
from app.ingest.decoding import decode_text
from app.qdpx import xml
from app.qdpx.archive import QdpxArchive
from app.qdpx.paths import read_path
from app.qdpx.read_model import QdaNote, QdaProject, QdaSelection, QdaSource, canonical_guid

KINDS = {"TextSource": "text", "PDFSource": "pdf", "PictureSource": "picture",
         "AudioSource": "audio", "VideoSource": "video"}
TEXT_CARRIERS = {"pdf": "Representation", "picture": "TextDescription", "audio": "Transcript",
                 "video": "Transcript"}
AREA_SELECTIONS = ("PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection",
                   "TranscriptSelection")
VALUE_ELEMENTS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue",
                  "DateTimeValue")


class SourceReader:
    """Reads the sources, notes and links of one project into ``project``."""

    def __init__(self, project: QdaProject, archive: QdpxArchive | None, base_path: str,
                 project_file: Path) -> None:
        self.project = project
        self.archive = archive
        self.base_path = base_path
        self.project_file = project_file
        self.variables: dict[str, str] = {}
        self.note_refs: list[tuple[str, str]] = []  # (note guid, referring guid)

    def read(self, root: xml.Element) -> None:
        for variable in xml.children(xml.child(root, "Variables"), "Variable"):
            self.variables[canonical_guid(xml.attr(variable, "guid"))] = (
                xml.attr(variable, "name").strip() or "variable")
        for element in xml.children(root, "Sources"):
            for source in element:
                self._source(source)
        for element in xml.children(root, "Notes"):
            for note in xml.children(element, "Note"):
                self._note(note)
        self._refs(root)
        self._links(root)
        self._attach_notes()

    # -- sources -------------------------------------------------------------------------
    def _source(self, element: xml.Element) -> None:
        kind = KINDS.get(xml.local(element))
        name = xml.attr(element, "name").strip()
        guid = canonical_guid(xml.attr(element, "guid"))
        if kind is None:
            self.project.problem(f"source '{name or xml.local(element)}'",
                                 f"<{xml.local(element)}> is not a source kind of the standard")
            return
        source = QdaSource(guid=guid, name=name or f"Source {len(self.project.sources) + 1}",
                           kind=kind, description=xml.text_of(element, "Description").strip(),
                           user=canonical_guid(xml.attr(element, "creatingUser")),
                           created=xml.attr(element, "creationDateTime"))
        if not guid:
            self.project.problem(f"source '{source.name}'", "has no guid")
        carrier = element if kind == "text" else xml.child(element, TEXT_CARRIERS[kind])
        source.other_selections = sum(1 for c in element if xml.local(c) in AREA_SELECTIONS)
        if carrier is None:
            source.skip_reason = (f"a {kind.upper() if kind == 'pdf' else kind} source "
                                  "without a text representation")
        else:
            self._text(source, carrier)
            source.selections = [s for s in map(self._selection, xml.children(
                carrier, "PlainTextSelection")) if s is not None]
            if carrier is not element:
                source.selections += [s for s in map(self._selection, xml.children(
                    element, "PlainTextSelection")) if s is not None]
        source.codes = _codings(element)
        source.variables = self._values(source.name, element)
        self.project.sources.append(source)

    def _text(self, source: QdaSource, carrier: xml.Element) -> None:
        inline = xml.child(carrier, "PlainTextContent")
        value = xml.attr(carrier, "plainTextPath").strip()
        if inline is not None and not value:
            source.text, source.text_origin = "".join(inline.itertext()), "PlainTextContent"
            return
        if not value:
            source.skip_reason = "no plain text: neither plainTextPath nor PlainTextContent"
            return
        source.text_origin = value
        try:
            data = read_path(self.archive, value, self.base_path, self.project_file)
            source.text = decode_text(data).text
        except IngestError as exc:
            if inline is not None:  # both given (against the standard): use the inline text
                source.text = "".join(inline.itertext())
                return
            source.skip_reason = f"its text {value} cannot be used: {exc.reason}"

    def _selection(self, element: xml.Element) -> QdaSelection | None:
        """One ``PlainTextSelection``: its children are read in one pass (50,000 of
        them make a large project)."""
        name = xml.attr(element, "name")
        start, end = xml.integer(element, "startPosition"), xml.integer(element, "endPosition")
        guid = canonical_guid(xml.attr(element, "guid"))
        if start is None or end is None:
            self.project.problem(f"selection '{name or guid}'",
                                 "startPosition or endPosition is missing or not a number")
            return None
        description, codes, notes = "", list[str](), list[str]()
        for part in element:
            kind = xml.local(part)
            if kind == "Coding":
                codes.extend(canonical_guid(xml.attr(ref, "targetGUID"))
                             for ref in xml.children(part, "CodeRef"))
            elif kind == "Description" and not description:
                description = "".join(part.itertext()).strip()
            elif kind == "NoteRef":
                notes.append(canonical_guid(xml.attr(part, "targetGUID")))
        return QdaSelection(guid=guid, name=name, start=start, end=end,
                            description=description,
                            codes=tuple(dict.fromkeys(c for c in codes if c)),
                            notes=tuple(notes),
                            user=canonical_guid(xml.attr(element, "creatingUser")),
                            created=xml.attr(element, "creationDateTime"))

    def _values(self, source: str, element: xml.Element) -> dict[str, str]:
        out: dict[str, str] = {}
        for value in xml.children(element, "VariableValue"):
            holder = xml.child(value, "VariableRef")
            ref = canonical_guid(xml.attr(value if holder is None else holder, "targetGUID"))
            name = self.variables.get(ref)
            if name is None:
                self.project.problem(f"source '{source}'",
                                     f"a variable value refers to variable {ref or '(none)'}, "
                                     "which is not declared")
                continue
            found = next((c for c in value if xml.local(c) in VALUE_ELEMENTS), None)
            out[name] = "" if found is None else "".join(found.itertext()).strip()
        return out

    # -- notes ---------------------------------------------------------------------------
    def _note(self, element: xml.Element) -> None:
        guid = canonical_guid(xml.attr(element, "guid"))
        name = xml.attr(element, "name").strip()
        holder = QdaSource(guid=guid, name=name, kind="text")
        self._text(holder, element)
        if holder.text is None:
            self.project.problem(f"note '{name or guid}'", holder.skip_reason)
            return
        self.project.notes.append(QdaNote(
            guid=guid, name=name, text=holder.text,
            user=canonical_guid(xml.attr(element, "creatingUser")),
            created=xml.attr(element, "creationDateTime")))

    def _refs(self, root: xml.Element) -> None:
        """Remember every ``NoteRef`` with the GUID of the element holding it (``""``
        for the project itself): sources, selections, codes, cases ..."""
        for ref in root.iter():
            if xml.local(ref) != "NoteRef":
                continue
            owner = ref.getparent()
            guid = "" if owner is None or owner is root else xml.attr(owner, "guid")
            self.note_refs.append((canonical_guid(xml.attr(ref, "targetGUID")),
                                   canonical_guid(guid)))

    def _links(self, root: xml.Element) -> None:
        """Links from or to a note attach it to their other end; a note-to-note link
        named "part of" (Dossier's export) makes the target the note's parent."""
        notes = {n.guid: n for n in self.project.notes}
        other = 0
        for link in xml.children(xml.child(root, "Links"), "Link"):
            origin = canonical_guid(xml.attr(link, "originGUID"))
            target = canonical_guid(xml.attr(link, "targetGUID"))
            name = xml.attr(link, "name").strip()
            if origin in notes and target in notes:
                if name.casefold() == "part of":
                    self.project.note_parents[origin] = target
                elif ":" not in name:  # "note:Title" links live in the note's own text
                    other += 1
            elif origin in notes:
                self.note_refs.append((origin, target))
                if ":" in name:
                    notes[origin].link_names.append((name, target))
            elif target in notes:
                self.note_refs.append((target, origin))
            else:
                other += 1
        if other:
            self.project.unsupported["Links"] = other

    def _attach_notes(self) -> None:
        by_guid = {n.guid: n for n in self.project.notes}
        for note_guid, owner in self.note_refs:
            note = by_guid.get(note_guid)
            if note is None:
                where = f"the element {owner}" if owner else "the project"
                self.project.problem(f"note reference in {where}", f"points to note "
                                     f"{note_guid or '(none)'}, which does not exist")
            elif owner not in note.targets:
                note.targets.append(owner)


def _codings(element: xml.Element) -> tuple[str, ...]:
    """The code GUIDs of an element's ``Coding/CodeRef`` children, in order, once each."""
    found = (canonical_guid(xml.attr(ref, "targetGUID"))
             for coding in xml.children(element, "Coding")
             for ref in xml.children(coding, "CodeRef"))
    return tuple(dict.fromkeys(g for g in found if g))
