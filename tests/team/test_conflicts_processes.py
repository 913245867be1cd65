"""No lost update across real processes (issue 13): two processes append lines to one
agreement's summary at the same moment, each as read-modify-write with the version it
read; a stale write is refused and retried. Every line must survive.

Without versioned writes the same loop loses lines (each process overwrites the other's
append with its stale copy plus its own line).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.services import Notebook
from tests import pg

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ROUNDS = 12
TIMEOUT = 240

pytestmark = pytest.mark.slow

WORKER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from app.core.errors import ConflictError, NotebookError
    from app.services import Notebook
    location, index, name, agreement_id, rounds, go = sys.argv[1:7]
    nb = Notebook.open(location, index_dir=index, author=name)
    print("READY", flush=True)
    while not Path(go).exists():  # the barrier: every process starts at once
        time.sleep(0.002)
    conflicts = busy = 0
    for i in range(int(rounds)):
        while True:
            seen = nb.agreements.get(int(agreement_id))
            try:
                nb.agreements.update(seen.id, summary=seen.summary + f"{name}-{i}\\n",
                                     seen=seen)
                break
            except ConflictError:
                conflicts += 1
            except NotebookError:  # SQLite: the other process holds the write lock
                busy += 1
    nb.close()
    print(json.dumps({"conflicts": conflicts, "busy": busy}), flush=True)
""")


def _race(location: str, tmp_path: Path, agreement_id: int) -> list[dict[str, int]]:
    """Run two workers that start together; their reports."""
    go = tmp_path / "go"
    procs = [subprocess.Popen(
        [sys.executable, "-c", WORKER, location, str(tmp_path / f"index-{name}"), name,
         str(agreement_id), str(ROUNDS), str(go)],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("alice", "bob")]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY", proc.stderr
    go.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def _check(nb: Notebook, agreement_id: int) -> None:
    stored = nb.agreements.get(agreement_id)
    lines = stored.summary.splitlines()
    expected = {f"{who}-{i}" for who in ("alice", "bob") for i in range(ROUNDS)}
    assert sorted(lines) == sorted(expected), "an update was lost"
    assert stored.stamp.version == 1 + 2 * ROUNDS


def test_two_processes_lose_no_update_on_sqlite(tmp_path: Path) -> None:
    """Two processes on one SQLite file: 0 lost updates."""
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "index-setup") as nb:
        made, _ = nb.agreements.create("Boeing deal")
    _race(str(tmp_path / "nb"), tmp_path, made.id)
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "index-setup") as nb:
        _check(nb, made.id)


@pytest.mark.postgres
def test_two_processes_lose_no_update_on_postgres(pg_url: str, tmp_path: Path) -> None:
    """Two processes on one PostgreSQL database: 0 lost updates, and the race was real
    (at least one stale write was refused)."""
    nb = pg.open_pg_notebook(pg_url, tmp_path, "setup")
    try:
        made, _ = nb.agreements.create("Boeing deal")
        reports = _race(pg_url, tmp_path, made.id)
        _check(nb, made.id)
    finally:
        nb.close()
    assert sum(r["busy"] for r in reports) == 0
