"""``python main.py <command>``: argument parsing and the commands.

Exit codes: 0 success, 1 some input failed (the rest was done), 2 usage or query error,
3 the notebook could not be used, 130 cancelled.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType

from app.cli import actors as actors_cli
from app.cli import edit as edit_cli
from app.cli import notes as notes_cli
from app.cli import publish as publish_cli
from app.cli import qdpx_export as qdpx_export_cli
from app.cli import qdpx_import as qdpx_cli
from app.cli import query_args, render
from app.cli import team as team_cli
from app.cli import transfer as transfer_cli
from app.cli.progress import TerminalProgress
from app.core.errors import (
    Cancelled,
    DossierError,
    NotebookError,
    NotebookLocked,
    QuerySyntaxError,
    ValidationError,
)
from app.core.ids import TagId
from app.core.progress import CancelToken
from app.core.records import ArticleFilter
from app.services import Notebook

log = logging.getLogger(__name__)

OK, FAILED_ITEMS, USAGE, NOTEBOOK, CANCELLED = 0, 1, 2, 3, 130


def _open(args: argparse.Namespace) -> Notebook:
    # check --no-repair only reports: it must not create, clear or write the index
    repair = not getattr(args, "no_repair", False)
    if args.notebook:
        return Notebook.open(args.notebook, index_dir=args.index_dir, repair_index=repair)
    return Notebook.open_demo(repair_index=repair)


@contextlib.contextmanager
def _ctrl_c_cancels(token: CancelToken) -> Iterator[None]:
    """First Ctrl+C asks the work to stop cleanly; a second one interrupts at once."""

    def handler(_sig: int, _frame: FrameType | None) -> None:
        if token.is_cancelled:
            raise KeyboardInterrupt
        token.cancel()
        sys.stderr.write("\nstopping after the current file (Ctrl+C again to abort)…\n")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


#: Seconds a command waits for another Dossier process that holds the index (it is
#: usually indexing the same queued work) before going on without; a search then says
#: how much it could not see.
WAIT_FOR_INDEX = 60.0


def _flush_index(nb: Notebook, quiet: bool = False, wait: float = 0.0) -> int:
    """Index pending work now; returns how many documents are still not indexed here.

    If another process holds the index, try again for up to ``wait`` seconds (a search
    waits :data:`WAIT_FOR_INDEX`: the other process is most likely indexing the very
    same work). After that, say so and go on: the work stays queued in the database
    and is indexed by whoever writes next."""
    deadline = time.monotonic() + wait
    waiting_said = False
    while pending := nb.search.status().pending:
        bar = TerminalProgress(verb="indexing") if not quiet else None
        try:
            nb.search.flush(progress=bar or (lambda _e: None))
        except NotebookLocked as exc:
            if time.monotonic() >= deadline:
                sys.stderr.write(f"dossier: indexing deferred: {exc}; it catches up later\n")
                return pending
            if not waiting_said:
                sys.stderr.write(f"dossier: waiting: {exc}\n")
                waiting_said = True
            time.sleep(0.2)
        finally:
            if bar:
                bar.finish()
    return 0


def cmd_import(nb: Notebook, args: argparse.Namespace) -> int:
    if qdpx_cli.is_exchange_input(args.paths):
        token = CancelToken()
        with _ctrl_c_cancels(token):
            code = qdpx_cli.import_exchange(nb, args.paths, token, verbose=args.verbose)
        _flush_index(nb)
        return code
    if transfer_cli.is_notebook_file(args.paths):
        transfer_cli.import_notebook(nb, args.paths[0])
        _flush_index(nb)
        return OK
    token = CancelToken()
    bar = TerminalProgress(verb="importing")
    with _ctrl_c_cancels(token):
        report = nb.imports.import_paths(args.paths, progress=bar, cancel=token)
        bar.finish()
        render.import_report(report, verbose=args.verbose)
        failed_updates = edit_cli.newer_versions(nb, report.newer, update=args.update)
        try:
            _flush_index(nb)
        except Cancelled:
            sys.stderr.write("indexing stopped; it resumes the next time the notebook opens\n")
    if report.cancelled:
        return CANCELLED
    return FAILED_ITEMS if report.failures or failed_updates else OK


def cmd_search(nb: Notebook, args: argparse.Namespace) -> int:
    unindexed = _flush_index(nb, wait=WAIT_FOR_INDEX)
    query = " ".join(args.query)
    try:
        results = nb.search.search(query, offset=args.offset, limit=args.limit)
    except QuerySyntaxError as exc:
        sys.stderr.write(f"dossier: bad query: {exc}\n")
        return USAGE
    render.search_results(results, as_json=args.json, unindexed=unindexed)
    if unindexed:  # a result that looks complete but is not would be a wrong record
        sys.stderr.write(f"dossier: {unindexed:,} changed documents are not indexed yet, so "
                         "these results may miss or misplace them; search again later\n")
    return OK


def cmd_list(nb: Notebook, args: argparse.Namespace) -> int:
    tag_ids: tuple[TagId, ...] = ()
    if args.tag:
        tag = nb.tags.find(args.tag)
        if tag is None:
            raise ValidationError(f"no tag {args.tag!r}")
        tag_ids = (tag.id,)
    flt = ArticleFilter(text=args.text or "", outlets=tuple(args.outlet or ()),
                        languages=tuple(args.lang or ()), date_from=args.date_from or "",
                        date_to=args.date_to or "", tag_ids=tag_ids, sort=args.sort,
                        descending=args.desc)
    page = nb.articles.list(flt, offset=args.offset, limit=args.limit)
    render.article_table(page, as_json=args.json)
    return OK


def cmd_show(nb: Notebook, args: argparse.Namespace) -> int:
    article = nb.articles.get(args.id)
    highlights = nb.annotations.highlights_for(args.id)
    render.article(article, highlights, {t.id: t for t in nb.tags.list()}, args.json)
    return OK


def _refuse_existing_targets(args: argparse.Namespace) -> None:
    """An export never replaces a file the user did not ask it to (it may not be Dossier's):
    an existing target needs ``--overwrite``. Checked before anything is written."""
    targets = [Path(p) for p in (args.json, args.qdpx, args.qdc) if p]
    if args.csv:
        targets += [Path(args.csv) / "articles.csv", Path(args.csv) / "highlights.csv"]
    existing = [str(t) for t in targets if t.exists() or t.is_symlink()]
    if existing and not args.overwrite:
        raise ValidationError(f"{', '.join(existing)} already exists; pass --overwrite to "
                              "replace it (nothing was written)")


def cmd_export(nb: Notebook, args: argparse.Namespace) -> int:
    if not (args.json or args.csv or args.qdpx or args.qdc):
        raise ValidationError("say what to export: --json FILE, --csv FOLDER, --qdpx FILE "
                              "and/or --qdc FILE")
    _refuse_existing_targets(args)
    if args.json:
        transfer_cli.export_notebook(nb, args.json)
    if args.csv:
        for path in nb.exports.to_csv(args.csv):
            print(f"wrote {path}")
    if args.qdc:
        qdpx_export_cli.export_codebook(nb, args.qdc)
    if args.qdpx:
        token = CancelToken()
        with _ctrl_c_cancels(token):
            try:
                qdpx_export_cli.export_project(nb, args.qdpx, args.nvivo_offsets, token)
            except Cancelled:
                sys.stderr.write("export stopped; no file was written\n")
                return CANCELLED
    return OK


def cmd_reindex(nb: Notebook, args: argparse.Namespace) -> int:
    token = CancelToken()
    bar = TerminalProgress(verb="indexing")
    with _ctrl_c_cancels(token):
        try:
            count = nb.search.reindex(progress=bar, cancel=token)
        except Cancelled:
            bar.finish()
            sys.stderr.write("reindex stopped; it resumes the next time the notebook opens\n")
            return CANCELLED
    bar.finish()
    notes = min(count, len(nb.notes.list()))  # one index holds both kinds
    print(f"indexed {count - notes:,} articles" + (f" and {notes:,} notes" if notes else ""))
    return OK


def cmd_check(nb: Notebook, args: argparse.Namespace) -> int:
    report = nb.search.check(repair=not args.no_repair)
    render.check_report(report)
    if report.index_problem:
        print(f"index: cannot be read ({report.index_problem}); "
              "'check' without --no-repair rebuilds it")
    if report.duplicates or report.notes:
        print(f"index: {len(report.duplicates)} articles indexed more than once, "
              f"{len(report.notes)} notes out of date")
    return OK if report.database_ok and (report.is_ok or report.repaired) else FAILED_ITEMS


Command = Callable[[Notebook, argparse.Namespace], int]


def _common_options(parser: argparse.ArgumentParser, default: object) -> argparse.ArgumentParser:
    parser.add_argument("--notebook", metavar="PATH", default=default,
                        help="notebook folder or SQLAlchemy URL (default: the demo notebook)")
    parser.add_argument("--index-dir", metavar="DIR", default=default,
                        help="index folder, for a notebook given as a URL")
    parser.add_argument("-v", "--verbose", action="store_true",
                        default=False if default is None else default, help="say more")
    return parser


def build_parser() -> argparse.ArgumentParser:
    top = _common_options(argparse.ArgumentParser(add_help=False), default=None)
    # On subcommands the options default to SUPPRESS, so "--notebook X import ..." is not
    # overwritten by the subcommand's own default.
    common = _common_options(argparse.ArgumentParser(add_help=False), default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="python main.py", parents=[top],
        description="Dossier research notebook. Without a command, the desktop app starts.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, fn: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(func=fn)
        return p

    p = add("import", cmd_import, "import files, folders and .zip archives "
            "(.txt .md .html .pdf .docx), a notebook file (.json, from 'export --json') "
            "into a new notebook, or a REFI-QDA project (.qdpx) or codebook (.qdc); "
            "Ctrl+C stops cleanly")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--update", action="store_true", help="a newer version of a stored "
                   "article (same URL, or same file name and title) replaces its text as "
                   "a new revision; highlights follow")
    p = add("search", cmd_search, 'search: words, "phrases", AND/OR/NOT, Flücht*, '
            "Tokajew~, title: source: lang: tag: actor: date:2025-11..2026-01")
    p.add_argument("query", nargs="+")
    query_args.read_dash_words(p)  # "search -Tokajew" is NOT Tokajew, not an option
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("list", cmd_list, "list articles")
    p.add_argument("--text", help="filter by text in title, outlet, author, file name")
    p.add_argument("--outlet", action="append", help="only this outlet (repeatable)")
    p.add_argument("--lang", action="append", help="only this language (repeatable)")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="published on/after")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="published on/before")
    p.add_argument("--tag", help="only articles with highlights tagged so (path)")
    p.add_argument("--sort", default="imported_at", choices=[
        "title", "outlet", "published", "language", "imported_at", "highlight_count", "id"])
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("show", cmd_show, "show one article with its highlights")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("export", cmd_export, "export the notebook as JSON, CSV or REFI-QDA")
    p.add_argument("--json", metavar="FILE", help="the whole notebook as one JSON file "
                   "(a backup: 'import FILE' restores it into a new notebook)")
    p.add_argument("--csv", metavar="FOLDER", help="articles.csv and highlights.csv")
    p.add_argument("--qdpx", metavar="FILE", help="a REFI-QDA project (.qdpx) for NVivo, "
                   "MAXQDA, ATLAS.ti, QualCoder: articles, tags, highlights, notes, actors "
                   "and agreements (docs/refi-qda.md)")
    p.add_argument("--nvivo-offsets", action="store_true", help="with --qdpx: count "
                   "selections in UTF-16 units of CRLF texts, as NVivo for Windows does")
    p.add_argument("--qdc", metavar="FILE", help="the tags alone as a REFI-QDA code book")
    p.add_argument("--overwrite", action="store_true", help="replace export files that "
                   "already exist (without it, an existing file is refused)")
    add("reindex", cmd_reindex, "rebuild the search index from the database")
    p = add("check", cmd_check, "verify the database and that the index matches it; "
            "repairs the index")
    p.add_argument("--no-repair", action="store_true", help="only report")
    actors_cli.add_commands(add)
    notes_cli.add_commands(add)
    edit_cli.add_commands(add)
    team_cli.add_commands(add)
    publish_cli.add_commands(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        if hasattr(args, "run"):  # upgrade: an older shared notebook cannot be opened first
            return int(args.run(args))
        with _open(args) as nb:
            return int(args.func(nb, args))
    except (QuerySyntaxError, ValidationError) as exc:
        sys.stderr.write(f"dossier: {exc}\n")
        return USAGE
    except NotebookError as exc:
        sys.stderr.write(f"dossier: {exc}\n")
        return NOTEBOOK
    except DossierError as exc:
        sys.stderr.write(f"dossier: {exc}\n")
        return FAILED_ITEMS
    except KeyboardInterrupt:
        sys.stderr.write("dossier: interrupted\n")
        return CANCELLED
    except BrokenPipeError:
        return OK


if __name__ == "__main__":
    sys.exit(main())
