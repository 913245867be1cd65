"""Schema creation on PostgreSQL under the advisory lock: processes opening one new
database at the same moment create the notebook once and all open it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.store.engine import HEAD_REVISION

ROOT = Path(__file__).resolve().parents[2]

OPEN_AT_SIGNAL = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    go = Path(sys.argv[2])
    from app.services import Notebook
    print("READY", flush=True)
    while not go.exists():
        time.sleep(0.005)
    with Notebook.open(sys.argv[1], index_dir=sys.argv[3]) as nb:
        print("OPENED", nb.articles.count(), flush=True)
""")


@pytest.mark.postgres
def test_processes_creating_one_pg_notebook_at_once_all_open_it(pg_url: str,
                                                                tmp_path: Path) -> None:
    """Three processes open one empty database at once: migrations run once (the others
    wait for the advisory lock) and every process opens the notebook."""
    go = tmp_path / "go"
    procs = [subprocess.Popen(
        [sys.executable, "-c", OPEN_AT_SIGNAL, pg_url, str(go), str(tmp_path / f"index{n}")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}) for n in range(3)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert out.strip() == "OPENED 0"
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            stamps = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    assert stamps == [(HEAD_REVISION,)]
