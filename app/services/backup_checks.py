"""What a notebook file must satisfy beyond types before any row reaches the database.

Each rule holds in every notebook Dossier writes, so a file that breaks one was damaged or
edited by hand: unique keys, references that resolve (foreign keys, the soft references
of mentions and evidence, note links by kind), parent chains without cycles, article
hashes that match their text, and highlight spans inside their article's text. The first
broken rule is reported with its table and row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.errors import ValidationError
from app.core.tables import Reference, Row, TableSpec, Value
from app.core.text import check_span, text_sha256

Tables = Mapping[str, list[Row]]


def _where(spec: TableSpec, number: int, row: Row) -> str:
    key = ", ".join(f"{k} {row[k]}" for k in spec.primary_key)
    return f"table {spec.name!r}, row {number} ({key})"


def check_notebook(specs: Sequence[TableSpec], tables: Tables) -> dict[str, list[Row]]:
    """Check every rule; return each table's rows in an order safe to insert.

    Raises:
        ValidationError: the first rule broken, naming table, row and values.
    """
    for spec in specs:
        _check_unique(spec, tables[spec.name])
    for spec in specs:
        _check_references(spec, tables)
    _check_articles(tables)
    _check_highlights(tables)
    return {spec.name: _parents_first(spec, tables[spec.name]) for spec in specs}


def _check_unique(spec: TableSpec, rows: list[Row]) -> None:
    for columns in (spec.primary_key, *spec.unique):
        seen: dict[tuple[Value, ...], int] = {}
        for number, row in enumerate(rows, start=1):
            key = tuple(row[c] for c in columns)
            if None in key:
                continue  # SQL lets nulls repeat in a unique key
            if key in seen:
                shown = ", ".join(f"{c} {v!r}" for c, v in zip(columns, key, strict=True))
                raise ValidationError(f"{_where(spec, number, row)} repeats {shown} of row "
                                      f"{seen[key]}")
            seen[key] = number


def _targets(tables: Tables, ref: Reference) -> set[Value]:
    return {row[ref.target_column] for row in tables.get(ref.target, ())}


def _check_references(spec: TableSpec, tables: Tables) -> None:
    for ref in spec.references:
        targets = _targets(tables, ref)
        for number, row in enumerate(tables[spec.name], start=1):
            value = row[ref.column]
            if value is None or (ref.when is not None and row[ref.when[0]] != ref.when[1]):
                continue
            if value not in targets:
                raise ValidationError(f"{_where(spec, number, row)}: {ref.column} {value!r} "
                                      f"points to no row of {ref.target!r}")


def _self_references(spec: TableSpec) -> list[str]:
    return [r.column for r in spec.references if r.target == spec.name and r.when is None]


def _parents_first(spec: TableSpec, rows: list[Row]) -> list[Row]:
    """Rows reordered so that a row comes after the row its parent column names (a tag
    may have been moved under a tag created later); refuses a cycle."""
    columns = _self_references(spec)
    if not columns or len(spec.primary_key) != 1:
        return rows
    key = spec.primary_key[0]
    by_id = {row[key]: row for row in rows}
    placed: set[Value] = set()
    out: list[Row] = []
    for row in rows:
        chain: list[Row] = []
        current: Row | None = row
        while current is not None and current[key] not in placed:
            if any(current is r for r in chain):
                raise ValidationError(f"table {spec.name!r}: the {columns[0]} of row with "
                                      f"{key} {row[key]} leads round in a circle")
            chain.append(current)
            parents = [current[c] for c in columns if current[c] is not None]
            current = by_id.get(parents[0]) if parents else None
        for item in reversed(chain):
            placed.add(item[key])
            out.append(item)
    return out


def _check_articles(tables: Tables) -> None:
    spec_name = "article"
    for number, row in enumerate(tables.get(spec_name, ()), start=1):
        text = row["text"]
        assert isinstance(text, str)
        where = f"table 'article', row {number} (id {row['id']})"
        if row["sha256"] != text_sha256(text):
            raise ValidationError(f"{where}: sha256 does not match the text")
        if row["char_count"] != len(text):
            raise ValidationError(f"{where}: char_count {row['char_count']} is not the "
                                  f"text's length {len(text)}")


def _check_highlights(tables: Tables) -> None:
    texts = {row["id"]: row["text"] for row in tables.get("article", ())}
    for number, row in enumerate(tables.get("highlight", ()), start=1):
        if row["is_orphaned"]:
            continue  # kept for review: its span no longer fits the text by definition
        text, start, end = texts[row["article_id"]], row["start"], row["end"]
        assert isinstance(text, str) and isinstance(start, int) and isinstance(end, int)
        where = f"table 'highlight', row {number} (id {row['id']})"
        try:
            check_span(text, start, end)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc}") from None
        if text[start:end] != row["exact"]:
            raise ValidationError(f"{where}: exact is not the text at [{start}, {end})")
