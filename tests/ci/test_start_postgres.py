"""`.ci/start-postgres` prints the server URL and nothing else on stdout.

CI captures its stdout whole as DOSSIER_TEST_PG_URL. On a CI image that kept a stale pid file,
`pg_ctlcluster ... start` printed "Removed stale pid file." to stdout, that line became part of
the URL, and every PostgreSQL test errored. The test runs the real script against stand-in
PostgreSQL commands that behave like that machine's.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "start-postgres"


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/usr/bin/env bash\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)


def test_only_the_url_reaches_stdout_when_the_cluster_talks(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "lib" / "15").mkdir(parents=True)
    state = tmp_path / "online"
    # pg_lsclusters -h: version cluster port status ...; "down" until pg_ctlcluster ran.
    _stub(bin_dir, "pg_lsclusters",
          f'if [ -e "{state}" ]; then s=online; else s=down; fi; '
          'echo "15 main 5433 $s postgres /x /y"')
    _stub(bin_dir, "pg_ctlcluster", f'echo "Removed stale pid file."; touch "{state}"')
    _stub(bin_dir, "runuser", 'echo "1"')  # psql says the role exists
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "DOSSIER_PG_LIB": str(tmp_path / "lib")}

    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60, check=True)

    assert done.stdout == "postgresql+psycopg://dossier:dossier@127.0.0.1:5433/postgres\n"
    assert "Removed stale pid file." in done.stderr


def test_a_started_server_does_not_hold_the_callers_pipe(tmp_path: Path) -> None:
    """The server pg_ctlcluster starts outlives the script and inherits its open descriptors.
    If one of them is the caller's ``$(...)`` pipe, the caller waits for end-of-file until the
    server stops: CI hung for its whole 90 minutes that way. The stand-in starts a "server"
    (a sleep) in the background as pg_ctl does: its standard streams go to the log file, every
other descriptor is inherited."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "lib" / "15").mkdir(parents=True)
    state, server_pid = tmp_path / "online", tmp_path / "server.pid"
    _stub(bin_dir, "pg_lsclusters",
          f'if [ -e "{state}" ]; then s=online; else s=down; fi; '
          'echo "15 main 5433 $s postgres /x /y"')
    _stub(bin_dir, "pg_ctlcluster",
          f'sleep 120 </dev/null >/dev/null 2>&1 & echo $! > "{server_pid}"; touch "{state}"')
    _stub(bin_dir, "runuser", 'echo "1"')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "DOSSIER_PG_LIB": str(tmp_path / "lib")}
    try:
        # what .ci/run does: capture stdout through a command substitution
        done = subprocess.run(["bash", "-c", f'url="$(bash "{SCRIPT}")"; echo "$url"'],
                              env=env, capture_output=True, text=True, timeout=30, check=True)
    finally:
        if server_pid.exists():
            os.kill(int(server_pid.read_text()), 15)

    assert done.stdout == "postgresql+psycopg://dossier:dossier@127.0.0.1:5433/postgres\n"
