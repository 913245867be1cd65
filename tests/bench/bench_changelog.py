"""Team benchmark: how long an edit committed by one client takes to become searchable
in another (issue 13's target: p95 under 2 s).

Run on demand (not collected by pytest), against a PostgreSQL server whose admin URL is
in ``DOSSIER_TEST_PG_URL`` (see the README, 'Tests on PostgreSQL'):

    python tests/bench/bench_changelog.py [--edits 30] [--poll 2.0]

Makes a fresh database, opens client A (no threads) and client B (indexer and watcher
threads, as a window runs them), each with its own index folder, then A creates one
note at a time with a word of its own and the time from A's commit to B's search
finding it is measured (B's search is polled every 10 ms). The database is dropped at
the end. Prints the median, p95 and maximum, and how many edits B only caught by
polling (with ``--no-notify``, B's notification connection is never opened).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.services import Notebook  # noqa: E402
from tests import pg  # noqa: E402

TARGET_S = 2.0


def measure(url: str, folder: Path, edits: int, poll: float, notify: bool) -> list[float]:
    """Seconds from each of A's commits to B finding the note."""
    a = Notebook.open(url, index_dir=folder / "index-a")
    b = Notebook.open(url, index_dir=folder / "index-b", background=True)
    try:
        b.live.poll_seconds = poll
        if not notify:  # restart B's watcher without its notification connection
            b.live.stop()
            b.live._listener = None  # a benchmark's switch, not an API
            b.live.start()
        deadline = time.monotonic() + 30
        while notify and b.live.listener_pid == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        latencies = []
        for i in range(edits):
            word = f"Messwort{i:04d}x"
            a.notes.create(f"Notiz {i}", f"Ein Satz mit {word}.")
            committed = time.monotonic()
            while b.search.search(word).total == 0:
                if time.monotonic() - committed > 60:
                    raise SystemExit(f"edit {i} not visible in B after 60 s")
                time.sleep(0.01)
            latencies.append(time.monotonic() - committed)
        return latencies
    finally:
        b.close()
        a.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--poll", type=float, default=2.0, help="B's polling interval (s)")
    parser.add_argument("--no-notify", action="store_true", help="B polls only")
    args = parser.parse_args()
    admin = pg.admin_url()
    if admin is None:
        raise SystemExit(f"set {pg.ENV} to a PostgreSQL admin URL")
    url = pg.create_database(admin)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            got = measure(url, Path(tmp), args.edits, args.poll, not args.no_notify)
    finally:
        pg.drop_database(admin, url)
    ranked = sorted(got)
    p95 = ranked[min(len(ranked) - 1, round(0.95 * len(ranked)) - 1)]
    print(f"edits: {len(got)}  notified: {not args.no_notify}  poll: {args.poll} s")
    print(f"edit -> searchable in the other client: median {statistics.median(got):.3f} s, "
          f"p95 {p95:.3f} s, max {ranked[-1]:.3f} s (target p95 < {TARGET_S} s)")


if __name__ == "__main__":
    main()
