"""Migrations with backup, schema drift, crash safety and a second process."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import SAWarning

from app.services import Notebook
from app.store.engine import _alembic_config, make_engine
from app.store.schema import Base

ROOT = Path(__file__).resolve().parents[2]


def test_models_and_migrations_agree(tmp_path):
    """Alembic's autogenerate finds nothing to change after upgrading to head."""
    with Notebook.open(tmp_path / "nb") as nb:
        engine = make_engine(nb.url)
        with engine.connect() as conn, warnings.catch_warnings():
            # SQLite reflection skips expression indexes (lower(title)): compare the rest
            warnings.simplefilter("ignore", SAWarning)
            warnings.filterwarnings("ignore", "autogenerate skipping", UserWarning)
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        engine.dispose()
    diff = [d for d in diff if not (d[0] == "add_index" and d[1].name.endswith("_lower"))]
    assert diff == []


def test_upgrade_from_older_schema_backs_up_first(tmp_path):
    """Opening a notebook with an older schema copies the database before upgrading."""
    folder = tmp_path / "old"
    folder.mkdir()
    db = folder / "notebook.db"
    engine = make_engine(f"sqlite:///{db}")
    command.upgrade(_alembic_config(engine), "0001")
    engine.dispose()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO article (title, text, language, outlet, url, author, published, "
            "original_name, imported_at, sha256, content_key, char_count, extra, rev) VALUES "
            "('Alt', 'Alter Text', 'de', '', '', '', '', 'a.txt', '2025-01-01 00:00:00', "
            "'x', 'y', 10, '{}', 1)")
    conn.close()
    with Notebook.open(folder) as nb:
        assert nb.backup is not None and nb.backup.exists()
        assert nb.articles.get(1).text == "Alter Text"
    backup = sqlite3.connect(nb.backup)
    try:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert backup.execute("SELECT title FROM article").fetchall() == [("Alt",)]
    finally:
        backup.close()
    with Notebook.open(folder) as again:
        assert again.backup is None


CHILD = textwrap.dedent("""
    import sys
    from app.services import Notebook
    nb = Notebook.open(sys.argv[1])
    nb.imports.import_paths([sys.argv[2]])
    print("IMPORTED", flush=True)
    nb.search.flush()
    print("INDEXED", flush=True)
    nb.close()
""")


def _make_corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    words = ["Kasachstan", "Usbekistan", "Abkommen", "Investitionen", "Wolfram", "Boeing",
             "Gipfel", "Handel"]
    for i in range(count):
        body = " ".join(words[(i + j) % len(words)] for j in range(60))
        (folder / f"{i:04d}.txt").write_text(f"Artikel Nummer {i} über Zentralasien\n{body} {i}\n",
                                              encoding="utf-8")
    return folder


def _article_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
    except sqlite3.Error:
        return 0


def _run_and_kill(nb_dir: Path, corpus: Path, when) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(nb_dir), str(corpus)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None and not when(proc):
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_kill_during_import_and_indexing_loses_nothing_committed(tmp_path):
    """SIGKILL mid-import: every stored article is whole, and after reopening the index
    matches the database exactly."""
    corpus = _make_corpus(tmp_path / "corpus", 400)
    nb_dir = tmp_path / "nb"
    db = nb_dir / "notebook.db"
    _run_and_kill(nb_dir, corpus, lambda _p: _article_count(db) >= 150)
    stored = _article_count(db)
    assert 150 <= stored <= 400
    with Notebook.open(nb_dir) as nb:
        nb.search.flush()
        report = nb.search.check(repair=False)
        assert report.is_ok, report
        assert nb.search.search("Zentralasien").total == stored
        for summary in nb.articles.list(limit=1000).items:
            assert nb.articles.get(summary.id).text.startswith("Artikel Nummer")
        # import the rest: the ones already in are duplicates, nothing is doubled
        rest = nb.imports.import_paths([corpus])
        assert len(rest.duplicates) == stored and len(rest.imported) == 400 - stored


def test_kill_while_indexing_is_repaired_on_next_open(tmp_path):
    """SIGKILL after the import committed, during indexing: reopening catches up."""
    corpus = _make_corpus(tmp_path / "corpus", 300)
    nb_dir = tmp_path / "nb"
    lines: list[str] = []

    def imported(proc: subprocess.Popen[str]) -> bool:
        if proc.stdout and not lines:
            lines.append(proc.stdout.readline())
        return bool(lines and "IMPORTED" in lines[0])

    _run_and_kill(nb_dir, corpus, imported)
    with Notebook.open(nb_dir) as nb:
        assert nb.articles.count() == 300
        nb.search.flush()
        assert nb.search.check(repair=False).is_ok
        assert nb.search.search("Wolfram").total == 300


def test_second_process_writes_while_first_is_open(tmp_path, notebook):
    """Two processes on one notebook: both writes land, none is corrupted."""
    (tmp_path / "one.txt").write_text("Erster Text aus Prozess eins.", encoding="utf-8")
    (tmp_path / "two.txt").write_text("Second text from process two.", encoding="utf-8")
    notebook.imports.import_paths([tmp_path / "one.txt"])
    code = ("import sys; from app.services import Notebook\n"
            "nb = Notebook.open(sys.argv[1]); r = nb.imports.import_paths([sys.argv[2]])\n"
            "nb.search.flush(); print(len(r.imported)); nb.close()")
    out = subprocess.run([sys.executable, "-c", code, str(notebook.path),
                          str(tmp_path / "two.txt")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
    notebook.search.flush()
    assert notebook.articles.count() == 2
    assert notebook.search.check(repair=False).is_ok


def test_check_repairs_a_deleted_index(tmp_path):
    """Deleting the index folder behind the app's back is repaired on open."""
    (tmp_path / "a.txt").write_text("Tokajew trifft Trump in Washington.", encoding="utf-8")
    with Notebook.open(tmp_path / "nb") as nb:
        nb.imports.import_paths([tmp_path / "a.txt"])
        nb.search.flush()
    import shutil

    shutil.rmtree(tmp_path / "nb" / "index")
    with Notebook.open(tmp_path / "nb") as nb:
        nb.search.flush()
        assert nb.search.search("Tokajew").total == 1
        assert nb.search.check(repair=False).is_ok


def test_check_finds_and_repairs_stale_documents(notebook, tmp_path):
    """An index entry older than the database is reported as stale and re-indexed."""
    (tmp_path / "a.txt").write_text("Original title line\nBody über Wolfram.", encoding="utf-8")
    notebook.imports.import_paths([tmp_path / "a.txt"])
    notebook.search.flush()
    with sqlite3.connect(notebook.path / "notebook.db") as conn:
        conn.execute("UPDATE article SET rev = rev + 5, title = 'Geändert'")
    conn.close()
    report = notebook.search.check(repair=True)
    assert report.stale == (1,) and report.repaired
    assert notebook.search.search("title:geändert").total == 1
    assert notebook.search.check(repair=False).is_ok


HOLD_WRITE_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE notebook_meta SET value = value")
    print("LOCKED", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
""")


def test_edit_waits_for_another_process_holding_the_write_lock(notebook, tmp_path):
    """A second process writing the notebook makes an edit wait, not fail or corrupt."""
    (tmp_path / "a.txt").write_text("Ein Artikel über Handel.", encoding="utf-8")
    aid = notebook.imports.import_paths([tmp_path / "a.txt"]).imported[0].id
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK,
                               str(notebook.path / "notebook.db"), "1.5"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        tag, _ = notebook.tags.create("Handel")  # waits for the other writer
        notebook.annotations.add(aid, 17, 23, [tag.id])
    finally:
        holder.wait(timeout=30)
        if holder.stdout:
            holder.stdout.close()
    assert holder.returncode == 0
    assert notebook.annotations.highlights_for(aid)[0].exact == "Handel"


def test_index_held_by_another_process_defers_indexing_with_a_message(tmp_path, capsys):
    """While another process holds the Whoosh writer, the CLI imports, says indexing is
    deferred, and the next run catches up."""
    from app.cli import main as cli

    (tmp_path / "a.txt").write_text("Tokajew trifft Trump.", encoding="utf-8")
    nb_dir = tmp_path / "nb"
    Notebook.open(nb_dir).close()
    hold = textwrap.dedent("""
        import sys, time
        from whoosh import index
        from whoosh.filedb.filestore import FileStorage
        ix = FileStorage(sys.argv[1]).open_index(indexname="dossier")
        w = ix.writer()
        print("LOCKED", flush=True)
        time.sleep(8)
        w.cancel()
    """)
    holder = subprocess.Popen([sys.executable, "-c", hold, str(nb_dir / "index")],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        assert cli(["import", str(tmp_path / "a.txt"), "--notebook", str(nb_dir)]) == 0
        err = capsys.readouterr().err
        assert "indexing deferred" in err and "another Dossier" in err
    finally:
        holder.wait(timeout=30)
        if holder.stdout:
            holder.stdout.close()
    assert cli(["search", "Tokajew", "--notebook", str(nb_dir)]) == 0
    assert "1 articles match" in capsys.readouterr().out


def test_head_revision_constant_matches_the_migration_scripts():
    """The constant that spares loading Alembic at open names the newest migration."""
    from app.store.engine import HEAD_REVISION, head_revision

    assert head_revision() == HEAD_REVISION


def test_notebook_from_a_newer_dossier_is_refused_untouched(tmp_path):
    """An unknown (newer) schema revision gives a clear error and changes nothing."""
    from app.core.errors import MigrationError

    Notebook.open(tmp_path / "nb").close()
    db = tmp_path / "nb" / "notebook.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = db.read_bytes()
    try:
        Notebook.open(tmp_path / "nb")
    except MigrationError as exc:
        assert "newer Dossier" in str(exc)
    else:
        raise AssertionError("a newer schema was opened")
    assert db.read_bytes() == before


OPEN_AT_SIGNAL = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    go = Path(sys.argv[2])
    from app.services import Notebook
    print("READY", flush=True)
    while not go.exists():
        time.sleep(0.005)
    with Notebook.open(sys.argv[1]) as nb:
        print("OPENED", nb.articles.count(), flush=True)
""")


def test_processes_creating_one_notebook_at_once_all_open_it(tmp_path):
    """Three processes open the same brand-new notebook at the same moment: the schema
    is created once (under the upgrade lock) and every process opens it."""
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT_SIGNAL, str(tmp_path / "nb"),
                               str(go)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
             for _ in range(3)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "OPENED 0"
    assert (tmp_path / "nb" / "notebook.db.lock").exists()


def test_failed_upgrade_is_one_line_and_backs_up_once(tmp_path):
    """A notebook stamped with an older schema than it has fails to upgrade: the message
    is one line naming the backup, the database is unchanged, and a second attempt writes
    no second backup."""
    from app.core.errors import MigrationError

    Notebook.open(tmp_path / "nb").close()
    db = tmp_path / "nb" / "notebook.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0003'")
    conn.close()
    messages = []
    for _attempt in range(2):
        try:
            Notebook.open(tmp_path / "nb")
        except MigrationError as exc:
            messages.append(str(exc))
        else:
            raise AssertionError("the upgrade of a mis-stamped notebook succeeded")
    backups = sorted((tmp_path / "nb").glob("notebook.backup-*"))
    assert len(backups) == 1, backups
    for message in messages:
        assert "\n" not in message and str(backups[0]) in message
        assert "from schema 0003" in message and "already exists" in message
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0003",)]
    conn.close()


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to compare before and after)."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _user_folder(folder: Path) -> Path:
    (folder / "drafts").mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"PK\x03\x04 my thesis")
    (folder / "notes.txt").write_text("meine Notizen", encoding="utf-8")
    (folder / "drafts" / "chapter1.md").write_text("# Kapitel 1", encoding="utf-8")
    return folder


def test_index_dir_of_unrelated_files_is_refused_and_every_file_survives(tmp_path, capsys):
    """--index-dir naming a folder of the user's files: exit 3, the folder named, nothing
    deleted or changed."""
    from app.cli import main as cli

    mine = _user_folder(tmp_path / "mine")
    before = _tree(mine)
    code = cli(["list", "--notebook", str(tmp_path / "nb"), "--index-dir", str(mine)])
    assert code == 3
    err = capsys.readouterr().err
    assert str(mine) in err and len(err.strip().splitlines()) == 1
    assert _tree(mine) == before


def test_notebook_folder_as_index_dir_keeps_the_database(tmp_path, capsys):
    """--index-dir set to the notebook folder itself: refused; notebook.db and the user's
    files survive byte for byte."""
    from app.cli import main as cli

    (tmp_path / "a.txt").write_text("Tokajew trifft Trump.", encoding="utf-8")
    nb_dir = tmp_path / "nb"
    assert cli(["import", str(tmp_path / "a.txt"), "--notebook", str(nb_dir)]) == 0
    (nb_dir / "my-own.txt").write_text("keep", encoding="utf-8")
    before = _tree(nb_dir)
    assert cli(["search", "Tokajew", "--notebook", str(nb_dir), "--index-dir", str(nb_dir)]) == 3
    assert str(nb_dir) in capsys.readouterr().err
    assert _tree(nb_dir) == before
    assert cli(["search", "Tokajew", "--notebook", str(nb_dir)]) == 0


def test_notebook_in_a_folder_of_unrelated_files_keeps_them(tmp_path, capsys):
    """--notebook pointing at a folder of the user's files: the notebook is added beside
    them, every file survives, and an 'index' folder of theirs is refused, not wiped."""
    from app.cli import main as cli

    mine = _user_folder(tmp_path / "mine")
    before = _tree(mine)
    (tmp_path / "a.txt").write_text("Abkommen über Wolfram.", encoding="utf-8")
    assert cli(["import", str(tmp_path / "a.txt"), "--notebook", str(mine)]) == 0
    after = _tree(mine)
    assert {k: v for k, v in after.items() if k in before} == before
    theirs = _user_folder(tmp_path / "theirs")
    (theirs / "index").mkdir()
    (theirs / "index" / "keep.csv").write_text("a,b", encoding="utf-8")
    before = _tree(theirs)
    assert cli(["list", "--notebook", str(theirs)]) == 3
    assert str(theirs / "index") in capsys.readouterr().err
    assert {k: v for k, v in _tree(theirs).items() if k in before} == before


def test_empty_or_foreign_database_file_is_refused_never_replaced(tmp_path, capsys):
    """A 0-byte or non-SQLite notebook.db: exit 3 with a message naming the file; the
    file stays as it was and the old index shows no ghost hits (it is not opened)."""
    from app.cli import main as cli

    (tmp_path / "a.txt").write_text("Tokajew trifft Trump.", encoding="utf-8")
    nb_dir = tmp_path / "nb"
    assert cli(["import", str(tmp_path / "a.txt"), "--notebook", str(nb_dir)]) == 0
    db = nb_dir / "notebook.db"
    for content in (b"", b"this is not a database, it is a text file\n"):
        for extra in nb_dir.glob("notebook.db-*"):
            extra.unlink()
        db.write_bytes(content)
        capsys.readouterr()
        assert cli(["search", "Tokajew", "--notebook", str(nb_dir)]) == 3
        err = capsys.readouterr().err
        assert str(db) in err and len(err.strip().splitlines()) == 1
        assert db.read_bytes() == content


def test_check_without_repair_changes_nothing_in_the_index(tmp_path, capsys):
    """check --no-repair on a drifted index reports the drift and leaves every index
    file as it was; check then repairs it."""
    from app.cli import main as cli

    (tmp_path / "a.txt").write_text("Tokajew trifft Trump.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Abkommen über Wolfram.", encoding="utf-8")
    nb_dir = tmp_path / "nb"
    assert cli(["import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                "--notebook", str(nb_dir)]) == 0
    with sqlite3.connect(nb_dir / "notebook.db") as conn:  # behind the index's back
        conn.execute("UPDATE article SET rev = rev + 1 WHERE id = 1")
        conn.execute("DELETE FROM change_log")  # nothing logged for the index to redo
        conn.execute("INSERT INTO article (title, text, language, outlet, url, author, "
                     "published, original_name, imported_at, sha256, content_key, "
                     "char_count, extra, rev) VALUES ('Neu', 'Neuer Text', 'de', '', '', '', "
                     "'', 'c.txt', '2025-01-01 00:00:00', 'x', 'y', 10, '{}', 1)")
    conn.close()
    before = _tree(nb_dir / "index")
    capsys.readouterr()
    assert cli(["check", "--no-repair", "--notebook", str(nb_dir)]) == 1
    out = capsys.readouterr().out
    assert "1 missing" in out and "1 stale" in out
    assert _tree(nb_dir / "index") == before
    assert cli(["check", "--notebook", str(nb_dir)]) == 0
    assert cli(["check", "--no-repair", "--notebook", str(nb_dir)]) == 0
    assert "matches the database" in capsys.readouterr().out


def test_check_finds_and_removes_documents_indexed_twice(tmp_path):
    """An article indexed twice (as two processes used to leave it) is reported as a
    duplicate by check and indexed once after the repair."""
    from app.search import SearchIndex
    from app.search.documents import from_article
    from app.store import search_documents

    (tmp_path / "a.txt").write_text("Tokajew trifft Trump.", encoding="utf-8")
    with Notebook.open(tmp_path / "nb") as nb:
        nb.imports.import_paths([tmp_path / "a.txt"])
        nb.search.flush()
        with nb.sessions() as session:
            [doc] = search_documents.article_documents(session, [1])
    # a second writer that adds instead of replacing (the old bug), from outside
    from app.search.schema import to_fields

    ix = SearchIndex.open(tmp_path / "nb" / "index")
    writer = ix._ix.writer()
    writer.add_document(**to_fields(from_article(doc)))
    writer.commit()
    ix.close()
    with Notebook.open(tmp_path / "nb") as nb:
        report = nb.search.check(repair=False)
        assert report.duplicates == (1,) and not report.is_ok
        assert nb.search.check(repair=True).repaired
        assert nb.search.check(repair=False).is_ok
        assert nb.search.search("Tokajew").total == 1


def test_upgrade_failing_half_way_leaves_the_database_as_it_was(tmp_path):
    """Two migrations to run, the second fails: the first one's change is rolled back
    too (one transaction), so the database still matches its stamp and its backup."""
    from app.core.errors import MigrationError

    Notebook.open(tmp_path / "nb").close()
    db = tmp_path / "nb" / "notebook.db"
    with sqlite3.connect(db) as conn:  # as at 0004 except that 0006's table exists
        conn.execute("DROP INDEX ix_article_filter_text")
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
        conn.execute("CREATE TABLE search_outbox (id INTEGER)")  # 0009 dropped it
    conn.close()
    try:
        Notebook.open(tmp_path / "nb")
    except MigrationError as exc:
        assert "search_outbox already exists" in str(exc)
    else:
        raise AssertionError("the upgrade succeeded")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0004",)]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "ix_article_filter_text" not in names  # 0005 ran, then was rolled back
