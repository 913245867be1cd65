"""Publishing a local notebook to an empty PostgreSQL database: lossless, same ids, and
never into a database that holds anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select, text

from app.cli import main
from app.core.errors import ValidationError
from app.services import Notebook, publish
from app.store import dump, schema
from tests import pg
from tests.cli.conftest import _enrich

pytestmark = pytest.mark.postgres


def _table_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of user data, in primary-key order, plus the stamp."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            out = {"alembic_version": conn.execute(
                text("SELECT version_num FROM alembic_version")).all()}
            for spec in dump.table_specs():
                table = schema.Base.metadata.tables[spec.name]
                keys = [table.c[k] for k in spec.primary_key]
                out[spec.name] = [tuple(r) for r in conn.execute(
                    select(*(table.c[c.name] for c in spec.columns)).order_by(*keys))]
            return out
    finally:
        engine.dispose()


@pytest.fixture
def enriched(tmp_path: Path) -> Path:
    """The demo notebook with a row in every table of user data (a folder)."""
    folder = tmp_path / "local"
    with Notebook.open_demo(folder) as nb:
        _enrich(nb, tmp_path)
    return folder


def test_publish_copies_every_table_row_for_row(enriched: Path, pg_url: str,
                                                 tmp_path: Path) -> None:
    """Published demo notebook equals its source table by table, ids included."""
    source = _table_rows(f"sqlite:///{enriched / 'notebook.db'}")
    assert all(source[name] for name in source), "every table should hold rows"
    with Notebook.open(enriched) as nb:
        report = publish(nb, pg_url, index_dir=tmp_path / "publisher-index")
    assert report.count("article") == len(source["article"])
    assert _table_rows(pg_url) == source


def test_published_notebook_opens_searches_and_continues_ids(enriched: Path, pg_url: str,
                                                             tmp_path: Path) -> None:
    """The copy opens on the server, its own index finds the articles, and a new row gets
    the next id after the copied ones (the sequences were reset)."""
    with Notebook.open(enriched) as nb:
        publish(nb, pg_url, index_dir=tmp_path / "publisher-index")
        nb.search.flush()
        local_hits = nb.search.search("Tokajew").total
        highest_tag = max(t.id for t in nb.tags.list())
    with pg.open_pg_notebook(pg_url, tmp_path, "colleague") as shared:
        shared.search.flush()
        assert shared.search.search("Tokajew").total == local_hits > 0
        tag, _ = shared.tags.create("Neu auf dem Server")
        assert tag.id == highest_tag + 1


def test_publish_refuses_a_database_with_other_tables_and_changes_nothing(
        demo_notebook: Notebook, pg_url: str) -> None:
    """A database holding someone else's table is refused before anything is written."""
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE payroll (id int PRIMARY KEY, name text)"))
            conn.execute(text("INSERT INTO payroll VALUES (1, 'Anna')"))
        with pytest.raises(ValidationError, match="payroll") as caught:
            publish(demo_notebook, pg_url)
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["payroll"]
            assert conn.execute(text("SELECT name FROM payroll")).all() == [("Anna",)]
    finally:
        engine.dispose()
    assert "dossier:dossier@" not in str(caught.value)  # no password in the message
    assert "empty database" in str(caught.value)


def test_publish_refuses_a_published_notebook(demo_notebook: Notebook, pg_url: str,
                                              tmp_path: Path) -> None:
    """Publishing twice to one database refuses the second time; the first copy stays."""
    publish(demo_notebook, pg_url, index_dir=tmp_path / "i1")
    before = _table_rows(pg_url)
    with pytest.raises(ValidationError, match="already holds a notebook"):
        publish(demo_notebook, pg_url, index_dir=tmp_path / "i2")
    assert _table_rows(pg_url) == before


def test_publish_fills_an_empty_notebook_left_by_an_earlier_attempt(
        demo_notebook: Notebook, pg_url: str, tmp_path: Path) -> None:
    """A database holding only an empty Dossier schema (a failed publish) is filled."""
    pg.open_pg_notebook(pg_url, tmp_path, "first").close()  # creates the schema only
    report = publish(demo_notebook, pg_url, index_dir=tmp_path / "i2")
    assert report.count("article") == demo_notebook.articles.count()


def test_publish_cli_prints_the_url_without_password(enriched: Path, pg_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`publish URL` copies the notebook and says where, never showing the password."""
    code = main(["--notebook", str(enriched), "publish", pg_url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "published local to postgresql+psycopg://dossier@" in out
    assert ":dossier@" not in out + err
    with pg.open_pg_notebook(pg_url, enriched.parent, "reader") as shared:
        assert shared.articles.count() == 6


def test_publish_cli_refuses_a_folder_target(demo_notebook: Notebook, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`publish FOLDER` is a usage error naming what to give instead."""
    code = main(["--notebook", str(demo_notebook.path), "publish", str(tmp_path / "x")])
    assert code == 2
    assert "give a PostgreSQL URL" in capsys.readouterr().err
