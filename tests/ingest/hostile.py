"""Builds a folder of hostile and good input files for ingest and end-to-end import tests.

Everything is generated at test time (the 50 MB file and the zip bomb are never
committed). :func:`build_hostile_folder` returns, for each file name in the
folder, the expected outcome: ``None`` if it imports, else a substring of the
failure reason. Outcomes of zip members belong to their archive's name (a
source ``x/zip-slip.zip!../evil.txt`` is judged by ``"zip-slip.zip"``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import random
import shutil
import stat
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data"

GERMAN = (
    "Kasachstans Präsident Tokajew verkündete ein Investitionsabkommen über "
    "2,5 Milliarden US-Dollar. Die Zentralbank traf eine Vereinbarung zur "
    "Modernisierung digitaler Zahlungssysteme. Größere Übermaße wären schädlich."
)
ENGLISH = (
    "US President Donald Trump invited the leaders of Kazakhstan and Uzbekistan to "
    "the G20 summit, which will be held in Miami. They discussed trade and peace."
)
BIG_FILE_BYTES = 50 * 1024 * 1024


def pdf_bytes(lines: list[str], info: dict[str, str] | None = None) -> bytes:
    """A minimal valid one-page PDF showing ``lines`` (Helvetica, WinAnsi encoding).

    Text goes through cp1252 with octal escapes, so German umlauts survive.
    An empty ``lines`` gives a page without a text layer, like a scan.
    """
    ops = ["BT /F1 11 Tf 14 TL 72 740 Td"]
    for line in lines:
        raw = line.encode("cp1252")
        escaped = "".join(f"\\{b:03o}" if b > 126 or chr(b) in "()\\" else chr(b) for b in raw)
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1") if lines else b""
    info_entries = "".join(f"/{k} ({v})" for k, v in (info or {}).items())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< {info_entries} >>".encode("latin-1"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx_bytes() -> bytes:
    """A real Word document made with python-docx: heading, paragraphs, a table."""
    import docx

    document = docx.Document()
    document.add_heading("Tokajew und Trump unterzeichnen Abkommen", level=1)
    document.add_paragraph(GERMAN)
    document.add_paragraph("Die Fluggesellschaften wollen bis zu 37 Boeing-Jets kaufen.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Partei"
    table.cell(0, 1).text = "Anteil"
    table.cell(1, 0).text = "Cove Capital"
    table.cell(1, 1).text = "70 %"
    props = document.core_properties
    props.title = "Abkommen in Washington"
    props.author = "Erika Musterfrau"
    props.created = dt.datetime(2025, 11, 7, 9, 30, tzinfo=dt.UTC)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> bytes:
    """A zip with the given members (names used verbatim, even ``../x``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 11, 6, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return out.getvalue()


def zip_bomb_bytes(expanded: int = 10 * 1024 * 1024) -> bytes:
    """A zip whose one member expands about 1000-fold (``expanded`` bytes of zeros)."""
    out = io.BytesIO()
    chunk = b"0" * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("bomb.txt", "w") as member,
    ):
        for _ in range(expanded // len(chunk)):
            member.write(chunk)
    return out.getvalue()


def _write_big_text(path: Path) -> None:
    """A 50 MB plain-text file, written in chunks."""
    line = (ENGLISH + "\n").encode()
    chunk = line * (1024 * 1024 // len(line) + 1)
    with path.open("wb") as stream:
        while stream.tell() < BIG_FILE_BYTES:
            stream.write(chunk)


def _text_files() -> dict[str, tuple[bytes, str | None]]:
    """Plain-text cases: encodings, line ends, odd characters, binary and empty."""
    noise = random.Random(7).randbytes(4096)
    return {
        "empty.txt": (b"", "file is empty"),
        "whitespace.txt": (b"  \n\t\r\n   \n", "no text found"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n" + noise, "looks like a binary file"),
        "invalid-utf8.txt": (
            bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC]) * 64,
            "not valid UTF-8, Latin-1 or UTF-16 text",
        ),
        "latin1.txt": (GERMAN.encode("latin-1"), None),
        "utf8-bom.txt": (codecs.BOM_UTF8 + GERMAN.encode(), None),
        "utf16-le-bom.txt": (codecs.BOM_UTF16_LE + GERMAN.encode("utf-16-le"), None),
        "utf16-be-bom.txt": (codecs.BOM_UTF16_BE + ENGLISH.encode("utf-16-be"), None),
        "crlf.txt": (ENGLISH.replace(". ", ".\r\n").encode(), None),
        "lone-cr.txt": (GERMAN.replace(". ", ".\r").encode(), None),
        "nul-bytes.txt": (ENGLISH.replace(" the ", " the\x00 ").encode(), None),
        "emoji-combining.txt": (
            "Cafe\u0301 am Me\u0301er 👩‍🔬 🇰🇿 — Zoe\u0308 las „Tokajew“ 😀 laut vor.\n".encode()
            + GERMAN.encode(),
            None,
        ),
        "rtl.txt": (
            "مرحبا بالعالم، هذا نص عربي للاختبار.\nשלום עולם, זהו טקסט עברי לבדיקה.\n".encode(),
            None,
        ),
    }


def _document_files() -> dict[str, tuple[bytes, str | None]]:
    """PDF, Word, HTML and zip cases, good and bad."""
    good_pdf = pdf_bytes(
        ["Wolfram-Projekt in Kasachstan", GERMAN[:90], GERMAN[90:]],
        {"Title": "Wolfram-Projekt in Kasachstan", "Author": "Max Beispiel",
         "CreationDate": "D:20251106120000Z"},
    )  # fmt: skip
    return {
        "good.pdf": (good_pdf, None),
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], "PDF is damaged (truncated)"),
        "scanned.pdf": (pdf_bytes([]), "no text layer (scanned PDF?)"),
        "not-a-pdf.pdf": (GERMAN.encode(), "not a PDF file"),
        "good.docx": (docx_bytes(), None),
        "not-a-zip.docx": (b"PK but not really a zip " * 20, "not a zip archive"),
        "malformed.html": (
            b"<html><body><p>Unclosed <b>bold <div>"
            + ENGLISH.encode()
            + b"</p></i></table><p><<>>Second paragraph of the malformed page.",
            None,
        ),
        "no-text.html": (
            b"<html><head><script>var a = 1;</script></head><body></body>",
            "no text found",
        ),
        "zip-slip.zip": (zip_bytes({"../evil.txt": ENGLISH.encode()}), "escapes the archive"),
        "absolute.zip": (zip_bytes({"/etc/evil.txt": ENGLISH.encode()}), "absolute path"),
        "symlink.zip": (
            zip_bytes({"link.txt": b"/etc/passwd"}, symlinks=("link.txt",)),
            "symbolic link",
        ),
        "zip-bomb.zip": (zip_bomb_bytes(), "zip bomb"),
        "damaged.zip": (b"PK\x03\x04" + b"\x00" * 200, "zip archive is damaged"),
        "good.zip": (
            zip_bytes(
                {
                    "folder/de.txt": GERMAN.encode(),
                    "en.md": b"# English news\n\n" + ENGLISH.encode(),
                }
            ),
            None,
        ),
    }


def build_hostile_folder(dest: Path) -> dict[str, str | None]:
    """Fill ``dest`` with hostile and good inputs; return name -> expected outcome.

    ``None`` means the file imports; a string is a substring of the failure reason.
    A hidden file (``.hidden.txt``) is also written: discovery must skip it, so it
    has no entry.
    """
    dest.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str | None] = {}
    for name, (data, outcome) in {**_text_files(), **_document_files()}.items():
        (dest / name).write_bytes(data)
        expected[name] = outcome
    _write_big_text(dest / "huge.txt")
    expected["huge.txt"] = "above the 25.0 MB limit"
    for name in ("de_news.html", "en_news.html"):
        shutil.copyfile(DATA / name, dest / name)
        expected[name] = None
    (dest / ".hidden.txt").write_bytes(ENGLISH.encode())
    return expected
