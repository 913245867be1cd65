"""``.qdc``: the code book alone (``Codebook.xsd``, namespace ``urn:QDA-XML:codebook:1.0``).

The codes are written exactly as in a project's ``CodeBook`` (same GUIDs, colours,
descriptions, hierarchy), so a code book and a project exported from one notebook agree.
"""

from __future__ import annotations

import io
from pathlib import Path

from app.qdpx.export_model import Code
from app.qdpx.qde_write import codes
from app.qdpx.write import write_text_file
from app.qdpx.xmlout import XmlOut

NAMESPACE = "urn:QDA-XML:codebook:1.0"


def codebook_xml(items: tuple[Code, ...], origin: str) -> str:
    """The ``.qdc`` document as text.

    Raises:
        ValueError: there are no codes (the schema requires at least one).
    """
    if not items:
        raise ValueError("a code book needs at least one code")
    buffer = io.StringIO()
    out = XmlOut(buffer, NAMESPACE)
    out.declaration()
    out.start("CodeBook", [("origin", origin)])
    codes(out, items)
    out.end("CodeBook")
    return buffer.getvalue()


def write_codebook(path: Path, items: tuple[Code, ...], origin: str) -> None:
    """Write the ``.qdc`` file (UTF-8 without BOM), replacing ``path`` only when complete."""
    write_text_file(path, codebook_xml(items, origin))
