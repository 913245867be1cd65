"""The notebook file: every table of user data as JSON (``docs/notebook-json.md``).

Writing streams: the header, then each table as a list of row objects, one row per line,
so memory stays flat however large the notebook. Reading checks everything a database
would trust: the format and its version, the tables and their columns, each value's type
and content. A file that fails is refused with one line naming the file and the first
problem; nothing is half-read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.core.dates import parse_partial_date
from app.core.errors import ValidationError
from app.core.tables import ColumnSpec, Row, TableSpec, Value

FORMAT = "dossier-notebook"
VERSION = 1
HEADER_KEYS = ("format", "version", "schema", "app_version", "exported_at", "notebook",
               "offsets")
OFFSETS = "code points of the stored (NFC) article text, [start, end)"


@dataclass(frozen=True, slots=True)
class NotebookFile:
    """A read and checked notebook file: its header and every table's rows (converted)."""

    path: Path
    schema: str
    header: Mapping[str, object]
    tables: Mapping[str, list[Row]]


class BadNotebookFile(ValidationError):
    """The file is not a notebook file this Dossier can import; the message says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# -- writing -------------------------------------------------------------------------------
def _iso(value: object) -> str:
    """Date-times as ISO 8601 text; anything else JSON cannot hold is a bug upstream."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be written to a notebook file")


# one encoder: json's C fast path, date-times through ``default`` only when met
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=_iso)
_dumps = _ENCODER.encode


def write_notebook(handle: IO[str], header: Mapping[str, object],
                   tables: Iterable[tuple[str, Iterable[Row]]]) -> dict[str, int]:
    """Write the header and then each table's rows as they come; returns rows per table."""
    handle.write("{\n")
    for key, value in header.items():
        handle.write(f"{_dumps(key)}: {_dumps(value)},\n")
    handle.write('"tables": {')
    counts: dict[str, int] = {}
    for number, (name, rows) in enumerate(tables):
        handle.write(f'{"," if number else ""}\n{_dumps(name)}: [')
        count = 0
        for row in rows:
            handle.write(f'{"," if count else ""}\n{_dumps(row)}')
            count += 1
        handle.write("\n]" if count else "]")
        counts[name] = count
    handle.write("\n}\n}\n")
    return counts


# -- reading -------------------------------------------------------------------------------
def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse an object with a repeated key (``json`` would silently keep the last)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        twice = next(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        raise ValueError(f"the key {twice!r} appears twice in one object")
    return out


def _load(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle, parse_constant=_no_constants,
                             object_pairs_hook=_unique_keys)
    except FileNotFoundError:
        raise BadNotebookFile(path, "no such file") from None
    except OSError as exc:
        raise BadNotebookFile(path, f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BadNotebookFile(path, f"is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadNotebookFile(path, f"is not valid JSON (line {exc.lineno}, column "
                                    f"{exc.colno}: {exc.msg}); is it cut short?") from None
    except (ValueError, RecursionError) as exc:
        raise BadNotebookFile(path, f"is not valid JSON: {exc}") from None


def _check_header(path: Path, document: object) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise BadNotebookFile(path, "is not a Dossier notebook file (not a JSON object)")
    found = document.get("format")
    if found != FORMAT:
        raise BadNotebookFile(path, f"is not a Dossier notebook file (format {found!r}, "
                                    f"expected {FORMAT!r})")
    version = document.get("version")
    if type(version) is not int:
        raise BadNotebookFile(path, f"has no valid format version ({version!r})")
    if version != VERSION:
        newer = " (written by a newer Dossier)" if version > VERSION else ""
        raise BadNotebookFile(path, f"has format version {version}{newer}; this Dossier "
                                    f"reads version {VERSION}")
    if not isinstance(document.get("schema"), str):
        raise BadNotebookFile(path, "has no schema revision ('schema' must be text)")
    if not isinstance(document.get("tables"), dict):
        raise BadNotebookFile(path, "has no 'tables' object")
    return document


def read_notebook(path: str | Path, specs: Sequence[TableSpec],
                  schema: str = "") -> NotebookFile:
    """Read and check a notebook file against the tables of this Dossier.

    ``schema`` is the revision those tables belong to; when the file's differs, messages
    about tables and fields say so.

    Raises:
        BadNotebookFile: the first problem found, naming the file (and table, row, field).
    """
    path = Path(path)
    document = _check_header(path, _load(path))
    tables: dict[str, Any] = document["tables"]
    hint = _schema_hint(document["schema"], schema)
    wanted = {s.name for s in specs}
    unknown = sorted(set(tables) - wanted)
    if unknown:
        raise BadNotebookFile(path, f"has a table this Dossier does not know: {unknown[0]!r}"
                                    f"{hint}")
    missing = [s.name for s in specs if s.name not in tables]
    if missing:
        raise BadNotebookFile(path, f"lacks the table {missing[0]!r}{hint}")
    out = {}
    for spec in specs:
        try:
            out[spec.name] = _rows(spec, tables[spec.name])
        except ValidationError as exc:
            raise BadNotebookFile(path, f"{exc}{hint}") from None
    header = {k: document[k] for k in HEADER_KEYS if k in document}
    return NotebookFile(path, document["schema"], header, out)


def _schema_hint(found: str, expected: str) -> str:
    """Why the tables may differ: the file was written with another schema."""
    if not expected or found == expected:
        return ""
    return f" (the file has schema {found!r}, this notebook {expected!r})"


def _rows(spec: TableSpec, rows: object) -> list[Row]:
    """The rows of one table, checked, with their values converted in place."""
    if not isinstance(rows, list):
        raise ValidationError(f"table {spec.name!r} is not a list of rows")
    names = set(spec.column_names)
    plan = _plan(spec)
    for number, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict) or raw.keys() != names:
            _refuse_fields(spec, number, raw)
        for column, ready in plan:
            value = raw[column.name]
            if type(value) in ready:
                continue  # already what the database stores: nothing to convert or check
            try:
                raw[column.name] = convert_value(column, value)
            except ValidationError as exc:
                raise ValidationError(f"table {spec.name!r}, row {number}, field "
                                      f"{column.name!r}: {exc}") from None
    return rows


def _plan(spec: TableSpec) -> list[tuple[ColumnSpec, tuple[type, ...]]]:
    """Per column the JSON types taken as they are; other values (date-times, checked
    texts, floats, wrong types) go through :func:`convert_value`."""
    plain: dict[str, tuple[type, ...]] = {"integer": (int,), "text": (str,)}
    out = []
    for column in spec.columns:
        ready = plain.get(column.type, ()) if not column.content else ()
        out.append((column, (*ready, type(None)) if column.nullable else ready))
    return out


def _refuse_fields(spec: TableSpec, number: int, raw: object) -> None:
    where = f"table {spec.name!r}, row {number}"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} is not an object")
    extra = sorted(set(raw) - set(spec.column_names))
    if extra:
        raise ValidationError(f"{where} has an unknown field {extra[0]!r}")
    missing = next(c for c in spec.column_names if c not in raw)
    raise ValidationError(f"{where} lacks the field {missing!r}")


def convert_value(column: ColumnSpec, value: object) -> Value:
    """The stored value for a JSON value of ``column`` (raises ValidationError)."""
    if value is None:
        if column.nullable:
            return None
        raise ValidationError("must not be null")
    if column.type == "integer":
        if type(value) is not int:
            raise ValidationError(f"{_shown(value)} is not an integer")
        return value
    if column.type == "float":
        if type(value) not in (int, float) or not isinstance(value, (int, float)):
            raise ValidationError(f"{_shown(value)} is not a number")  # a bool is not one
        return float(value)
    if not isinstance(value, str):
        raise ValidationError(f"{_shown(value)} is not text")
    if column.type == "datetime":
        return _datetime(value)
    return _content(column, value)


def _datetime(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{_shown(value)} is not a date and time like "
                              "2025-11-06T14:30:00") from None
    if moment.tzinfo is not None:
        raise ValidationError(f"{_shown(value)} has a time zone; Dossier stores local time")
    return moment


def _content(column: ColumnSpec, value: str) -> str:
    if column.content == "partial_date" and value:
        normal = parse_partial_date(value)
        if normal != value:
            raise ValidationError(f"{value!r} is not written as Dossier stores dates "
                                  f"({normal!r})")
    elif column.content == "json_object":
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
            raise ValidationError(f"{_shown(value)} is not a JSON object of texts")
    return value


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
