"""Every table of user data, row by row: the store's half of notebook export and import.

The list of tables is derived from the schema (``Base.metadata``) minus :data:`DERIVED`,
so a table added to the schema is exported without anyone remembering to; a test fails
when the migrated database holds a table that is neither exported nor listed here.

Plain functions (session in, rows out); nothing here commits. Only portable SQL: this is
also how a notebook moves from SQLite to another database.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    UniqueConstraint,
    and_,
    case,
    exists,
    func,
    insert,
    inspect,
    literal,
    null,
    or_,
    select,
    text,
)

from app.core.tables import ColumnSpec, ColumnType, Content, Reference, Row, TableSpec
from app.store import outbox, references, schema
from app.store.references import OnDelete
from app.store.sessions import Session, Sessions

DERIVED: dict[str, str] = {
    "alembic_version": "the schema stamp, written by the migrations of the new notebook",
    "notebook_clock": "the change log's clock, floor and notebook uuid; a new notebook "
                      "starts its own (its search indexes are rebuilt)",
    "change_log": "what each write changed, for other clients' indexes and views; a new "
                  "notebook starts its own",
}
"""Tables that are not user data, with the reason; never exported."""

UNDECLARED: tuple[tuple[str, Reference, OnDelete], ...] = (
    ("suggestion_rejection", Reference("article_id", "article"), "CASCADE"),
)
"""References that neither a foreign key nor a soft reference (``app.store.references``)
declares, with what deleting the target means for the row: a suggestion rejected in one
article is meaningless once the article is gone (the row stays, unused)."""

CONTENT: dict[tuple[str, str], Content] = {
    ("article", "published"): "partial_date",
    ("agreement_event", "date"): "partial_date",
    ("article", "extra"): "json_object",
}
"""Text columns whose content is checked on import (see ``ColumnSpec.content``)."""

BATCH = 1000


def _column_type(column: Column[object]) -> ColumnType:
    kind = column.type
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, Float):
        return "float"
    if isinstance(kind, DateTime):
        return "datetime"
    if isinstance(kind, String):  # Text is a String
        return "text"
    raise TypeError(f"column {column.table.name}.{column.name}: no transfer rule for {kind!r}")


@dataclass(frozen=True, slots=True)
class _Link:
    """A reference with what the export needs to know: whether the database enforces it
    and, if not, what a deleted target means for the row (CASCADE: the row is dead,
    SET NULL: the row stays without the id)."""

    ref: Reference
    enforced: bool
    ondelete: OnDelete


def _is_foreign_key(table: Table, ref: references.Reference) -> bool:
    return any(fk.column.table.name == ref.target and fk.column.name == ref.target_column
               for fk in table.c[ref.column].foreign_keys)


@functools.cache
def _links(name: str) -> tuple[_Link, ...]:
    table = schema.Base.metadata.tables[name]
    links = [_Link(Reference(r.column, r.target, r.target_column, r.when),
                   _is_foreign_key(table, r), r.ondelete)
             for r in references.references_from(name)]
    declared = {link.ref.column for link in links}
    links += [_Link(ref, False, ondelete) for owner, ref, ondelete in UNDECLARED
              if owner == name and ref.column not in declared]
    return tuple(links)


def _spec(table: Table) -> TableSpec:
    columns = tuple(ColumnSpec(c.name, _column_type(c), bool(c.nullable) and not c.primary_key,
                               CONTENT.get((table.name, c.name), ""))
                    for c in table.columns)
    return TableSpec(table.name, columns, tuple(c.name for c in table.primary_key.columns),
                     tuple(link.ref for link in _links(table.name)), _unique(table))


def _unique(table: Table) -> tuple[tuple[str, ...], ...]:
    sets = [tuple(c.name for c in con.columns) for con in table.constraints
            if isinstance(con, UniqueConstraint)]
    # a unique index on an expression (lower(name)) is left to the database to enforce
    sets += [tuple(c.name for c in ix.columns) for ix in table.indexes
             if ix.unique and len(ix.columns) == len(ix.expressions)]
    return tuple(sorted(set(sets)))


def _tables() -> list[Table]:
    return [t for t in schema.Base.metadata.sorted_tables if t.name not in DERIVED]


def table_specs() -> tuple[TableSpec, ...]:
    """Every table of user data, each after the tables it references (soft references
    included, which the schema's own sort does not know)."""
    pending = [_spec(t) for t in _tables()]
    ordered: list[TableSpec] = []
    while pending:
        placed = {s.name for s in ordered}
        ready = next((s for s in pending if all(r.target in placed or r.target == s.name
                                                for r in s.references)), None)
        if ready is None:
            raise RuntimeError(f"tables reference each other in a circle: {pending}")
        ordered.append(ready)
        pending.remove(ready)
    return tuple(ordered)


def _table(name: str) -> Table:
    table = schema.Base.metadata.tables.get(name)
    if table is None or name in DERIVED:
        raise KeyError(f"no table of user data named {name!r}")
    return table


def stored_table_names(session: Session) -> set[str]:
    """The tables that exist in the database (whatever the schema module declares)."""
    return set(inspect(session.connection()).get_table_names())


def schema_revision(session: Session) -> str:
    """The Alembic revision the database is stamped with ("" if none)."""
    if "alembic_version" not in stored_table_names(session):
        return ""
    return str(session.scalar(text("SELECT version_num FROM alembic_version")) or "")


@contextlib.contextmanager
def snapshot(sessions: Sessions) -> Iterator[Session]:
    """A session whose reads all see one consistent state of the database.

    Another process may write while a large export runs; without one read transaction, a
    highlight committed between reading ``article`` and ``highlight`` could point at an
    article the file does not contain.
    """
    with sessions() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        else:
            connection = session.connection()
            if dialect == "sqlite":
                # pysqlite begins transactions only before writes: begin the read one here
                connection.exec_driver_sql("BEGIN")
        try:
            yield session
        finally:
            session.rollback()


def _exists(target: Table, column: str, value: ColumnElement[object]) -> ColumnElement[bool]:
    return exists(select(literal(1)).select_from(target).where(target.c[column] == value))


def _dangling(table: Table, link: _Link) -> ColumnElement[bool]:
    """The row's reference names a target that does not exist (a polymorphic reference
    only counts for the rows of its kind)."""
    column = table.c[link.ref.column]
    target = schema.Base.metadata.tables[link.ref.target]
    missing = and_(column.is_not(None), ~_exists(target, link.ref.target_column, column))
    if link.ref.when is None:
        return missing
    return and_(table.c[link.ref.when[0]] == link.ref.when[1], missing)


def _kept(table: Table) -> list[ColumnElement[bool]]:
    """Leave out rows that an unenforced reference marks as dead (see ``_Link``)."""
    return [~_dangling(table, link) for link in _links(table.name)
            if not link.enforced and link.ondelete != "SET NULL"]


def _column(table: Table, name: str) -> ColumnElement[object]:
    """A column as exported: an unenforced SET NULL reference whose target is gone is
    null, as the database would have made it (a broken ``[[link]]``)."""
    dangling = [_dangling(table, link) for link in _links(table.name)
                if not link.enforced and link.ondelete == "SET NULL" and link.ref.column == name]
    if not dangling:
        return table.c[name]
    return case((or_(*dangling), null()), else_=table.c[name]).label(name)


def read_rows(session: Session, spec: TableSpec, batch: int = BATCH) -> Iterator[Row]:
    """The rows of one table in primary-key order, streamed; rows that only an undo could
    bring back to use are left out (see ``_Link``)."""
    table = _table(spec.name)
    columns = [_column(table, c.name) for c in spec.columns]
    query = (select(*columns).where(*_kept(table))
             .order_by(*(table.c[k] for k in spec.primary_key))
             .execution_options(yield_per=batch))
    for row in session.execute(query).mappings():
        # the column types guarantee the value types of ``Row`` (int, float, str,
        # datetime, None); a per-value check cost a third of the export's time
        yield dict(row)


def count_rows(session: Session) -> dict[str, int]:
    """Rows per table of user data."""
    return {t.name: int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in _tables()}


def insert_rows(session: Session, spec: TableSpec, rows: Sequence[Row],
                batch: int = BATCH) -> None:
    """Insert rows as given (ids included), in order, in batches. Never commits."""
    table = _table(spec.name)
    for start in range(0, len(rows), batch):
        session.execute(insert(table), list(rows[start:start + batch]))


def queue_for_search(session: Session) -> None:
    """Queue every article and every note for (re)indexing, in the caller's transaction."""
    outbox.enqueue_all(session)


def reset_sequences(session: Session, names: Iterable[str]) -> None:
    """After inserting explicit ids, let new rows continue after them (PostgreSQL only;
    SQLite takes the next id after the largest one by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in names:
        table = _table(name)
        if "id" not in table.c or list(table.primary_key.columns) != [table.c.id]:
            continue
        highest = select(func.max(table.c.id)).scalar_subquery()
        session.execute(select(func.setval(
            func.pg_get_serial_sequence(name, "id"), func.coalesce(highest, 1),
            highest.is_not(None))))
