"""Team benchmark (issue 13, "Speed"): N clients editing one PostgreSQL notebook at once.

Run on demand (not collected by pytest: pytest collects ``test_*.py`` only), against the
PostgreSQL server whose admin URL is in ``DOSSIER_TEST_PG_URL``:

    python tests/bench/bench_team.py [--clients 5] [--seconds 600] [--seed 1]

Makes a fresh database, seeds it (articles, tags, highlights, agreements, notes), then
starts N separate processes (multiprocessing "spawn"), each a ``Notebook`` on that one
database with its own index folder (indexer and live watcher threads on, as a window runs
them) and author ``clientK``. For ``--seconds`` each client makes random edits of every
kind: tag passages, add highlights, set memos (``seen=``), edit agreement titles/summaries
and values (``seen=``), append lines to notes (``conflicts.save_note``), rename tags
(``seen=``), add status events and evidence, create notes carrying a latency token. The
``seen`` record is often stale (read earlier, like a user who looked a while ago), so
concurrent edits of one field meet. Every ConflictError is resolved with a random choice
(mine / theirs) through ``conflicts.resolve``. Each client writes a JSON-lines log of what
it was told it wrote. Afterwards the parent checks, from the logs and the database:

1. lost updates: for every versioned field written, the value in the database must be the
   value of a logged successful write W such that no other logged write of that field
   *started* after W *returned* (such a write committed later and would have replaced it);
   every note line reported saved/merged is in the note (or its conflict copy); every
   inserted highlight/event/evidence still exists; the row's version has grown at least
   by the number of successful writes to it; change_log holds at least one update entry
   per successful write and author;
2. conflicts surfaced: count of ConflictErrors and how they were resolved;
3. each client's index equals the database: ``search.check(repair=False)`` after its
   final flush (missing/extra/stale/duplicate documents), and the same hit counts for a
   set of queries in every client;
4. edit -> visible elsewhere: each client creates notes holding a unique token every few
   seconds; in each other client a thread searches its own index for the tokens not seen
   yet (one query, beside the edits, as a view refreshes while its user types: at once
   when the indexer committed a batch, else every 0.25 s) and notes the time from the
   writer's commit to the hit, split into
   stages: until this client's live watcher reported the note (notification delivery and
   the watcher's log read), until the indexer's next batch after that was committed
   (drain query and index commit, the searcher refreshed), and until the looking thread
   found it (its next search; the process is busy with its own edits meanwhile);
5. search speed: the same queries (10 x 5 rounds) on client 1's index as the edits left
   it (timed in client 1 right after every client stopped writing, segments counted),
   after its indexer's idle merge (the client stays open ``IDLE_MERGE_SECONDS`` longer,
   as a window would), and on a PostgreSQL client with a freshly built index, vs a
   SQLite copy of the notebook (exported and imported into a fresh folder, indexed
   there), p50 and the ratio.

The database is dropped at the end, also after a failure, Ctrl-C or SIGTERM (the client
processes are terminated first).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import queue
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.errors import ConflictError  # noqa: E402
from app.search import SearchIndex  # noqa: E402
from app.services import Notebook, indexing  # noqa: E402
from tests import pg  # noqa: E402

IDLE_SECONDS = getattr(indexing, "IDLE_MERGE_SECONDS", 0.0)
"""How long an indexer waits before its idle merge (0: a checkout without one)."""

CORPUS = ROOT.parent / "shared" / "corpora" / "10kgnad-test.csv"
QUERIES = ["Gewerkschaft", "Regierung", "Wien", "Euro*", "\"der Regierung\"", "Bank OR Börse",
           "Polizei NOT Wien", "Tokenwort*", "Zeile", "Fußball"]
ARTICLES, TAGS, AGREEMENTS, NOTES = 40, 8, 6, 6
BLIND = "DOSSIER_BENCH_BLIND"
STRESS_THINK = (0.02, 0.3)
"""Seconds between one client's edits with --pace stress: about 6 edits a second per client,
far beyond a person, to find where the indexers saturate."""
TEAM_THINK = (1.0, 5.0)
"""Seconds between one client's edits with --pace team (the default): a fast coder applying
a tag or saving a field every 3 s on average; five of them are still a busier team than any
we know of."""
"""Set by ``--blind`` (inherited by the spawned clients): writes pass ``seen=None``, so
colleagues' changes are overwritten silently and the lost-update check must report them."""


# -- seeding ------------------------------------------------------------------------------
def seed(url: str, folder: Path) -> dict[str, list[int]]:
    """Fill the fresh database; return the ids the clients edit."""
    texts = folder / "articles"
    texts.mkdir()
    with CORPUS.open(encoding="utf-8") as handle:
        for n, line in zip(range(ARTICLES), handle, strict=False):
            body = line.split(";", 1)[1].strip().strip("'")
            (texts / f"a{n:03d}.txt").write_text(f"Artikel {n}\n\n{body}\n", encoding="utf-8")
    nb = Notebook.open(url, index_dir=folder / "index-seed", author="seed")
    try:
        nb.imports.import_paths([texts])
        arts = [a.id for a in nb.articles.list(limit=ARTICLES).items]
        tags = [nb.tags.create(f"Thema{n}")[0].id for n in range(TAGS)]
        hls = []
        for aid in arts[:10]:
            hls.append(nb.annotations.tag_passage(aid, 0, 5, "Thema0")[0].id)
        agr = [nb.agreements.create(f"Abkommen {n}")[0].id for n in range(AGREEMENTS)]
        notes = [nb.notes.create(f"Notiz {n}", f"Zeile start {n}\n")[0].id
                 for n in range(NOTES)]
        nb.search.flush()
    finally:
        nb.close()
    return {"articles": arts, "tags": tags, "highlights": hls, "agreements": agr,
            "notes": notes}


# -- one client ---------------------------------------------------------------------------
class Client:
    """A client process's edit loop and its log."""

    def __init__(self, k: int, nb: Notebook, ids: dict[str, list[int]], log: Any,
                 inboxes: list[Any], rng: random.Random) -> None:
        self.k, self.nb, self.ids, self.log, self.rng = k, nb, ids, log, rng
        self.inboxes = inboxes
        self.cache: dict[tuple[str, int], Any] = {}   # stale "seen" records
        self.read_at: dict[tuple[str, int], float] = {}  # when each was read (its end)
        self.highlights = list(ids["highlights"])
        self.pending: dict[str, tuple[float, int]] = {}  # token -> (commit time, note id)
        self.latencies: list[float] = []
        self.stages: list[tuple[float, float, float]] = []  # (live, indexed, found) per token
        self.live_at: dict[int, float] = {}  # note id -> when the live watcher reported it
        self.batches: list[float] = []       # when the indexer committed a batch
        self.serial = 0
        self.index_changed = threading.Event()
        nb.live.subscribe(self._on_live)
        nb.search.add_listener(self._on_batch)

    def _on_live(self, update: Any) -> None:
        now = time.time()
        for nid in update.changes.notes:
            self.live_at.setdefault(nid, now)

    def _on_batch(self, status: Any) -> None:
        if status.indexed:
            self.batches.append(time.time())
            self.index_changed.set()

    def stage_of(self, at: float, nid: int, found: float) -> None:
        """Split one token's latency at the live report and the next index batch."""
        live = self.live_at.get(nid)
        if live is None:
            return
        batch = next((b for b in self.batches if b >= live), found)
        self.stages.append((live - at, min(batch, found) - live, found - min(batch, found)))

    def write(self, **entry: Any) -> None:
        self.log.write(json.dumps(entry, default=str) + "\n")

    def unique(self, stem: str) -> str:
        self.serial += 1
        return f"{stem} c{self.k} n{self.serial}"

    def seen(self, kind: str, rid: int, getter: Any, blind_ok: bool = True) -> Any:
        """The record as this client last looked at it (re-read now and then)."""
        key = (kind, rid)
        if key not in self.cache or self.rng.random() < 0.25:
            self.cache[key] = getter(rid)
            self.read_at[key] = time.time()
        if blind_ok and os.environ.get(BLIND):  # the checker's own test: unversioned writes
            return None
        return self.cache[key]

    def versioned(self, table: str, rid: int, field: str, value: Any, call: Any) -> None:
        """Run one versioned write; resolve a conflict with a random choice; log it."""
        t0 = time.time()
        try:
            call()
            self.write(op="write", table=table, id=rid, field=field, value=value, t0=t0,
                       t1=time.time(), client=self.k, read_at=self.read_at[(table, rid)])
            return
        except ConflictError as err:
            self.write(op="conflict", table=table, id=rid, field=field, mine=value,
                       t=time.time(), client=self.k,
                       action=err.conflict.action if err.conflict else None)
            self.resolve(err, table, rid, value, t0)
        finally:  # the editor shows the record as of this save, until re-read
            self.cache.pop((table, rid), None)
            self.seen(table, rid, GETTERS[table](self.nb), blind_ok=False)

    def resolve(self, err: ConflictError, table: str, rid: int, value: Any,
                t0: float) -> None:
        row = err.conflict
        if row is None or row.deleted or row.action != "update":
            self.write(op="unresolvable", table=table, id=rid, client=self.k)
            return
        choice = self.rng.choice(["mine", "theirs"])
        choices = {f.field: choice for f in row.fields if f.is_conflicting}
        r0 = time.time()
        try:
            self.nb.conflicts.resolve(err, choices)
        except ConflictError:
            self.write(op="resolve-conflict", table=table, id=rid, client=self.k)
            return
        r1 = time.time()
        for f in row.fields:
            side = choices.get(f.field)
            if side is None or f.field in DERIVED:
                continue
            chosen = f.mine if side == "mine" else f.theirs
            self.write(op="write", table=table, id=rid, field=f.field, value=chosen,
                       t0=r0, t1=r1, client=self.k, resolved=choice)

    # the edits -------------------------------------------------------------------------
    def edit_memo(self) -> None:
        hid = self.rng.choice(self.highlights)
        seen = self.seen("highlight", hid, self.nb.annotations.get)
        memo = self.unique("Memo")
        self.versioned("highlight", hid, "memo", memo,
                       lambda: self.nb.annotations.set_memo(hid, memo, seen=seen))

    def edit_agreement(self) -> None:
        aid = self.rng.choice(self.ids["agreements"])
        seen = self.seen("agreement", aid, self.nb.agreements.get)
        if self.rng.random() < 0.5:
            title = self.unique("Abkommen")
            self.versioned("agreement", aid, "title", title,
                           lambda: self.nb.agreements.update(aid, title=title, seen=seen))
        elif self.rng.random() < 0.5:
            summary = self.unique("Zusammenfassung")
            self.versioned("agreement", aid, "summary", summary,
                           lambda: self.nb.agreements.update(aid, summary=summary, seen=seen))
        else:
            text = self.unique("Wert")
            self.versioned("agreement", aid, "value_text", text,
                           lambda: self.nb.agreements.set_value(aid, text, seen=seen))

    def rename_tag(self) -> None:
        tid = self.rng.choice(self.ids["tags"][1:])  # Thema0 is tag_passage's path
        seen = self.seen("tag", tid, self.nb.tags.get)
        name = self.unique("Thema").replace(" ", "-")
        self.versioned("tag", tid, "name", name,
                       lambda: self.nb.tags.rename(tid, name, seen=seen))

    def append_note(self) -> None:
        nid = self.rng.choice(self.ids["notes"])
        seen = self.seen("note", nid, self.nb.notes.get, blind_ok=False)
        line = self.unique("Zeile")
        saved = self.nb.conflicts.save_note(nid, seen.body.rstrip("\n") + f"\n{line}\n", seen)
        self.cache[("note", nid)] = saved.note
        self.read_at[("note", nid)] = time.time()
        self.write(op="note-line", id=nid, line=line, outcome=saved.outcome,
                   copy_id=saved.copy_id, client=self.k)

    def tag_passage(self) -> None:
        aid = self.rng.choice(self.ids["articles"])
        start = self.rng.randrange(0, 200)
        hl, _ = self.nb.annotations.tag_passage(aid, start, start + self.rng.randrange(3, 40),
                                                "Thema0")
        self.highlights.append(hl.id)
        self.write(op="insert", table="highlight", id=hl.id, client=self.k)

    def add_event(self) -> None:
        aid = self.rng.choice(self.ids["agreements"])
        status = self.rng.choice(["proposed", "negotiating", "announced", "signed"])
        event, _ = self.nb.agreements.add_event(aid, status, "2025-11", self.unique("Ereignis"))
        self.write(op="insert", table="agreement_event", id=event.id, client=self.k)

    def add_evidence(self) -> None:
        aid = self.rng.choice(self.ids["agreements"])
        evidence, _ = self.nb.agreements.add_evidence(aid, self.rng.choice(self.highlights))
        self.write(op="insert", table="evidence", id=evidence.id, client=self.k)

    def token(self) -> None:
        word = f"Tokenwort{self.k}x{self.serial}y"
        self.serial += 1
        note, _ = self.nb.notes.create(f"Token {word}", f"Messung {word}.")
        at = time.time()
        for n, inbox in enumerate(self.inboxes):
            if n != self.k - 1:
                inbox.put((word, at, note.id))

    def look(self, inbox: Any, stop: threading.Event) -> None:
        """A thread (as a window's search view refreshing while its user types): when the
        indexer committed a batch, or every LOOK_SECONDS, one search for every token of
        the others not seen yet, in this client's index."""
        while not stop.is_set():
            self.index_changed.clear()
            while True:
                try:
                    word, at, nid = inbox.get_nowait()
                except queue.Empty:
                    break
                self.pending[word] = (at, nid)
            if self.pending:
                query = " OR ".join(self.pending)
                hits = self.nb.search.search(query, limit=len(self.pending), kinds=["note"])
                found = time.time()
                for hit in hits.hits:
                    word = hit.title.removeprefix("Token ")
                    if word in self.pending:
                        at, nid = self.pending.pop(word)
                        self.latencies.append(found - at)
                        self.stage_of(at, nid, found)
            self.index_changed.wait(LOOK_SECONDS)


LOOK_SECONDS = 0.25
"""A client's looking thread searches at least this often (and at once after a batch)."""

DERIVED = {"value_amount", "value_amount_max", "value_currency", "value_qualifier", "value_unit"}
"""Agreement value columns set_value derives from the text (only ``value_text`` is
logged for a set_value, so a resolution logs only that too: the others follow it)."""

GETTERS = {"highlight": lambda nb: nb.annotations.get, "agreement": lambda nb: nb.agreements.get,
           "tag": lambda nb: nb.tags.get}
EDITS = ["edit_memo", "edit_agreement", "rename_tag", "append_note", "tag_passage",
         "add_event", "add_evidence"]


def client_main(k: int, url: str, folder: str, seconds: float, ids: dict[str, list[int]],
                inboxes: list[Any], barrier: Any, seed_value: int,
                think: tuple[float, float] = TEAM_THINK) -> None:
    """One client process: edit until the deadline, then report on its index."""
    folder_path = Path(folder)
    logging.basicConfig(filename=folder_path / f"client{k}.log", level=logging.INFO,
                        format="%(asctime)s %(threadName)s %(name)s %(message)s")
    for name in ("app.services.indexing", "app.search.merging", "app.services.live"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # drain and merge timings
    nb = Notebook.open(url, index_dir=folder_path / f"index-client{k}", background=True,
                       author=f"client{k}")
    rng = random.Random(seed_value * 100 + k)
    nb.search.flush()        # index the seed first: latency starts from a caught-up index
    barrier.wait()
    errors: list[str] = []
    with (folder_path / f"client{k}.jsonl").open("w", encoding="utf-8") as log:
        c = Client(k, nb, ids, log, inboxes, rng)
        stop = threading.Event()
        looker = threading.Thread(target=c.look, args=(inboxes[k - 1], stop), daemon=True)
        looker.start()
        end = time.monotonic() + seconds
        next_token = time.monotonic() + rng.uniform(1, 3)
        edits = 0
        while time.monotonic() < end:
            try:
                if time.monotonic() >= next_token:
                    c.token()
                    next_token = time.monotonic() + rng.uniform(2, 4)
                else:
                    getattr(c, rng.choice(EDITS))()
                edits += 1
            except Exception as exc:  # a benchmark records every failure, goes on
                errors.append(f"{type(exc).__name__}: {exc}")
                c.write(op="error", error=repr(exc), client=k)
            time.sleep(rng.uniform(*think))  # think time
        time.sleep(0.5)  # tokens still in the queue
        wait_end = time.monotonic() + 30
        while c.pending and time.monotonic() < wait_end:
            time.sleep(0.2)
        stop.set()
        looker.join()
        barrier.wait()           # every client stopped writing
        nb.search.flush()
        barrier.wait()           # client 1 searches alone, before any idle merge starts
        as_left = timed(nb, 3)[0] if k == 1 else []
        barrier.wait()
        time.sleep(3)            # let the watcher see the last commits
        nb.search.flush()
        report = nb.search.check(repair=False)
        totals = {q: nb.search.search(q).total for q in QUERIES}
        segments = segment_count(folder_path / f"index-client{k}")
        result = {"client": k, "edits": edits, "errors": errors, "latencies": c.latencies,
                  "stages": c.stages, "unseen_tokens": len(c.pending),
                  "check_ok": report.is_ok, "check": repr(report), "totals": totals,
                  "segments_as_left": segments, "as_left": as_left}
        if k == 1:  # open a little longer, as a window would: its idle merge runs
            time.sleep(IDLE_SECONDS + 1)
            deadline = time.monotonic() + 120
            while (IDLE_SECONDS and time.monotonic() < deadline
                   and segment_count(folder_path / "index-client1") > 2):
                time.sleep(0.5)
    nb.close()
    (folder_path / f"client{k}.result.json").write_text(json.dumps(result))


# -- verification -------------------------------------------------------------------------
def read_logs(folder: Path, n: int) -> list[dict[str, Any]]:
    entries = []
    for k in range(1, n + 1):
        with (folder / f"client{k}.jsonl").open(encoding="utf-8") as handle:
            entries += [json.loads(line) for line in handle]
    return entries


def current(nb: Notebook, table: str, rid: int, field: str) -> Any:
    if table == "highlight":
        return nb.annotations.get(rid).memo
    if table == "tag":
        return nb.tags.get(rid).name
    agreement = nb.agreements.get(rid)
    if field.startswith("value_"):  # value_text, value_amount, ... (set_value's columns)
        return getattr(agreement.value, field.removeprefix("value_"))
    return getattr(agreement, field)


def lost_updates(nb: Notebook, entries: list[dict[str, Any]], url: str) -> list[str]:
    """Every problem found: a lost write, a lost line, a lost insert, a missing log."""
    problems: list[str] = []
    writes: dict[tuple[str, int, str], list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        if e["op"] == "write":
            writes[(e["table"], e["id"], e["field"])].append(e)
    for (table, rid, field), ws in writes.items():
        final = current(nb, table, rid, field)
        ok = [w for w in ws if w["value"] == final
              and not any(o["t0"] > w["t1"] and o["value"] != final for o in ws)]
        if not ok:
            last = max(ws, key=lambda w: w["t1"])
            problems.append(f"{table} {rid}.{field} = {final!r}; last logged write "
                            f"{last['value']!r} by client{last['client']} "
                            f"({len(ws)} writes)")
    problems += silent_overwrites(writes)
    for e in entries:
        if e["op"] == "note-line" and e["outcome"] in ("saved", "merged", "copied"):
            where = e["copy_id"] if e["outcome"] == "copied" else e["id"]
            if e["line"] not in nb.notes.get(where).body:
                problems.append(f"note {where}: line {e['line']!r} ({e['outcome']}) missing")
    problems += missing_inserts(entries, url)
    problems += version_and_log_gaps(writes, url)
    return problems


def silent_overwrites(writes: dict[tuple[str, int, str], list[dict[str, Any]]]) -> list[str]:
    """A write W that succeeded without a conflict although another client's write O of
    the same field committed after W's ``seen`` record was read (O started after the read
    ended) and before W started: W overwrote a change its author never saw."""
    problems = []
    for (table, rid, field), ws in writes.items():
        for w in ws:
            if "read_at" not in w:  # a resolution: its base is the conflict, not a read
                continue
            for o in ws:
                if (o["client"] != w["client"] and o.get("resolved") != "theirs"
                        and o["t0"] > w["read_at"]
                        and o["t1"] < w["t0"] and o["value"] != w["value"]):
                    problems.append(f"{table} {rid}.{field}: {w['value']!r} by "
                                    f"client{w['client']} overwrote {o['value']!r} by "
                                    f"client{o['client']} without a conflict")
                    break
    return problems


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine
    return create_engine(url)


def missing_inserts(entries: list[dict[str, Any]], url: str) -> list[str]:
    from sqlalchemy import text
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        if e["op"] == "insert":
            wanted[e["table"]].add(e["id"])
    problems = []
    engine = _engine(url)
    with engine.connect() as conn:
        for table, ids in wanted.items():
            have = {r[0] for r in conn.execute(text(f"SELECT id FROM {table}"))}
            problems += [f"{table} {i} inserted but gone" for i in sorted(ids - have)]
    engine.dispose()
    return problems


def version_and_log_gaps(writes: dict[tuple[str, int, str], list[dict[str, Any]]],
                         url: str) -> list[str]:
    """Row versions and change_log entries must account for every successful write."""
    from sqlalchemy import text
    per_row: dict[tuple[str, int], int] = defaultdict(int)
    per_author: dict[tuple[str, int, str], int] = defaultdict(int)
    kinds = {"highlight": "highlights", "tag": "tags", "agreement": "agreements"}
    seen_writes: set[tuple[str, int, int, float]] = set()
    for (table, rid, _field), ws in writes.items():
        ws = [w for w in ws if w.get("resolved") != "theirs"]  # same value: no new version
        for w in ws:  # a resolution of several fields is one write (one version)
            key = (table, rid, w["client"], w["t0"])
            if key in seen_writes:
                continue
            seen_writes.add(key)
            per_row[(table, rid)] += 1
            per_author[(kinds[table], rid, f"client{w['client']}")] += 1
    problems = []
    engine = _engine(url)
    with engine.connect() as conn:
        for (table, rid), count in per_row.items():
            version = conn.execute(text(f"SELECT version FROM {table} WHERE id = :i"),
                                   {"i": rid}).scalar_one()
            if version - 1 < count:
                problems.append(f"{table} {rid}: version {version} < 1 + {count} writes")
        logged = conn.execute(text(
            "SELECT entity, entity_id, author, COUNT(DISTINCT seq) FROM change_log "
            "WHERE op = 'update' GROUP BY entity, entity_id, author")).all()
        floor = conn.execute(text("SELECT floor_seq FROM notebook_clock")).scalar_one()
    engine.dispose()
    have = {(e, i, a): n for e, i, a, n in logged}
    if floor == 0:  # nothing pruned: every write must have its entry
        for key, count in per_author.items():
            if have.get(key, 0) < count:
                problems.append(f"change_log: {key} has {have.get(key, 0)} update entries "
                                f"for {count} writes")
    return problems


# -- search speed -------------------------------------------------------------------------
def timed(nb: Notebook, rounds: int = 5) -> tuple[list[float], dict[str, int]]:
    times, totals = [], {}
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            totals[q] = nb.search.search(q).total
            times.append(time.perf_counter() - t)
    return times, totals


def segment_count(index_dir: Path) -> int:
    """How many Whoosh segments the index in this folder has (opened read-only)."""
    index = SearchIndex.open(index_dir, read_only=True)
    try:
        return len(index.segments())
    finally:
        index.close()


def search_speed(url: str, folder: Path) -> dict[str, Any]:
    """Client 1's index on PostgreSQL against a SQLite copy with its own index."""
    segments = segment_count(folder / "index-client1")
    client = Notebook.open(url, index_dir=folder / "index-client1")
    try:
        client.transfer.export_notebook(folder / "copy.dossier")
        timed(client, 1)  # warm
        pg_times, pg_totals = timed(client)
    finally:
        client.close()
    fresh = Notebook.open(url, index_dir=folder / "index-fresh")  # unfragmented index
    try:
        fresh.search.flush()
        timed(fresh, 1)
        fresh_times, _ = timed(fresh)
    finally:
        fresh.close()
    local = Notebook.open(folder / "sqlite-copy")
    try:
        local.transfer.import_notebook(folder / "copy.dossier")
        local.search.flush()
        timed(local, 1)
        lite_times, lite_totals = timed(local)
    finally:
        local.close()
    return {"pg_p50": statistics.median(pg_times), "lite_p50": statistics.median(lite_times),
            "pg_p95": pct(pg_times, 0.95), "lite_p95": pct(lite_times, 0.95),
            "fresh_p50": statistics.median(fresh_times), "segments": segments,
            "same_totals": pg_totals == lite_totals, "pg_totals": pg_totals,
            "lite_totals": lite_totals}


def pct(values: list[float], p: float) -> float:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, max(0, round(p * len(ranked)) - 1))]


# -- main ---------------------------------------------------------------------------------
def run(url: str, folder: Path, clients: int, seconds: float, seed_value: int,
        think: tuple[float, float] = TEAM_THINK) -> None:
    ids = seed(url, folder)
    ctx = mp.get_context("spawn")
    inboxes = [ctx.Queue() for _ in range(clients)]
    barrier = ctx.Barrier(clients)
    procs = [ctx.Process(target=client_main, args=(k, url, str(folder), seconds, ids,
                                                   inboxes, barrier, seed_value, think))
             for k in range(1, clients + 1)]
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.join()
    finally:  # Ctrl-C or a failure: no client may hold the database that is dropped next
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join(10)
    failed = [p.pid for p in procs if p.exitcode != 0]
    if failed:
        raise SystemExit(f"client processes {failed} failed (see their tracebacks above)")
    results = [json.loads((folder / f"client{k}.result.json").read_text())
               for k in range(1, clients + 1)]
    entries = read_logs(folder, clients)
    nb = Notebook.open(url, index_dir=folder / "index-verify")
    try:
        problems = lost_updates(nb, entries, url)
    finally:
        nb.close()
    speed = search_speed(url, folder)
    print(f"pace: {think[0]}-{think[1]} s think time between one client's edits")
    report(results, entries, problems, speed, clients, seconds)


def report(results: list[dict[str, Any]], entries: list[dict[str, Any]], problems: list[str],
           speed: dict[str, Any], clients: int, seconds: float) -> None:
    latencies = [x for r in results for x in r["latencies"]]
    ops: dict[str, int] = defaultdict(int)
    for e in entries:
        ops[e["op"] if "outcome" not in e else f"note-line {e['outcome']}"] += 1
    resolved = sum(1 for e in entries if e.get("resolved"))
    print(f"clients {clients}, {seconds:.0f} s, load average {os.getloadavg()}")
    print("| measure | result |\n|---|---|")
    print(f"| edits made | {sum(r['edits'] for r in results)} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(ops.items()))}) |")
    print(f"| lost updates | {len(problems)} |")
    print(f"| conflicts surfaced | {ops['conflict']} (resolved writes logged: {resolved}, "
          f"re-conflicted: {ops['resolve-conflict']}, unresolvable: {ops['unresolvable']}); "
          f"note saves merged {ops['note-line merged']}, made a conflict copy "
          f"{ops['note-line copied']} |")
    print(f"| client errors | {sum(len(r['errors']) for r in results)} |")
    same = len({json.dumps(r['totals'], sort_keys=True) for r in results}) == 1
    print(f"| index = database (check, no repair) | "
          f"{sum(r['check_ok'] for r in results)}/{clients} clients; same hit counts: {same} |")
    if latencies:
        print(f"| edit -> visible elsewhere | n {len(latencies)}, p50 "
              f"{statistics.median(latencies):.3f} s, p95 {pct(latencies, 0.95):.3f} s, max "
              f"{max(latencies):.3f} s; never seen: {sum(r['unseen_tokens'] for r in results)} |")
    stages = [s for r in results for s in r["stages"]]
    for n, name in enumerate(["commit -> live watcher reported it",
                              "-> next index batch committed", "-> found by the looking thread"]):
        part = [s[n] for s in stages]
        if part:
            print(f"| stage: {name} | p50 {statistics.median(part):.3f} s, p95 "
                  f"{pct(part, 0.95):.3f} s, max {max(part):.3f} s (n {len(part)}) |")
    first = next(r for r in results if r["client"] == 1)
    print(f"| segments when the edits stopped | "
          f"{', '.join(str(r['segments_as_left']) for r in results)} (clients 1..{clients}); "
          f"client 1 after its idle merge: {speed['segments']} |")
    left = statistics.median(first["as_left"])
    print(f"| search p50 client 1 as the edits left it / SQLite copy | {left * 1000:.1f} / "
          f"{speed['lite_p50'] * 1000:.1f} ms = {left / speed['lite_p50']:.2f}x |")
    print(f"| search p50 client 1 after idle merge / SQLite copy | "
          f"{speed['pg_p50'] * 1000:.1f} / "
          f"{speed['lite_p50'] * 1000:.1f} ms = {speed['pg_p50'] / speed['lite_p50']:.2f}x "
          f"(p95 {speed['pg_p95'] * 1000:.1f} / {speed['lite_p95'] * 1000:.1f} ms); "
          f"same totals: {speed['same_totals']} |")
    print(f"| search p50 PG fresh index / SQLite copy | {speed['fresh_p50'] * 1000:.1f} / "
          f"{speed['lite_p50'] * 1000:.1f} ms = {speed['fresh_p50'] / speed['lite_p50']:.2f}x |")
    for p in problems[:50]:
        print("LOST:", p)
    for r in results:
        for e in r["errors"][:5]:
            print(f"client{r['client']} error: {e}")
        if not r["check_ok"]:
            print(f"client{r['client']} index differs: {r['check']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pace", choices=["team", "stress"], default="team",
                        help="think time between a client's edits: team 1-5 s, stress "
                             "0.02-0.3 s")
    parser.add_argument("--keep", help="keep logs and indexes in this folder")
    parser.add_argument("--blind", action="store_true",
                        help="write without seen= (shows that the lost-update check fails)")
    args = parser.parse_args()
    if args.blind:
        os.environ[BLIND] = "1"
    think = TEAM_THINK if args.pace == "team" else STRESS_THINK
    admin = pg.admin_url()
    if admin is None:
        raise SystemExit(f"set {pg.ENV} to a PostgreSQL admin URL")
    # SIGTERM (timeout, kill) unwinds like Ctrl-C, through the finally that drops the DB
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    url = pg.create_database(admin)
    try:
        if args.keep:
            folder = Path(args.keep)
            folder.mkdir(parents=True)
            run(url, folder, args.clients, args.seconds, args.seed, think)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                run(url, Path(tmp), args.clients, args.seconds, args.seed, think)
    finally:
        pg.drop_database(admin, url)


if __name__ == "__main__":
    main()
