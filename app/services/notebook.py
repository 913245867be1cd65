"""The composition root: ``Notebook.open`` wires storage, index and services together."""

from __future__ import annotations

import getpass
import logging
import shutil
from pathlib import Path

import platformdirs

from app.core.access import Access
from app.core.changes import Changes
from app.core.errors import NotebookError
from app.search import SearchIndex
from app.search.index_files import is_dossier_folder
from app.services.actors import ActorService
from app.services.agreements import AgreementService
from app.services.annotations import AnnotationService
from app.services.articles import ArticleService
from app.services.backup import BackupService
from app.services.conflicts import ConflictService
from app.services.exports import ExportService
from app.services.history import History
from app.services.imports import ImportService
from app.services.indexing import Indexer
from app.services.live import LiveWatcher
from app.services.notes import NoteService
from app.services.qdpx_export import QdpxExportService
from app.services.qdpx_import import QdpxImportService
from app.services.revisions import RevisionService
from app.services.search import SearchService
from app.services.tags import TagService
from app.services.team import TeamService, read_access
from app.services.unit import Writer
from app.store import changelog, server
from app.store.engine import close_engine, make_engine, make_sessions, translated_errors
from app.store.notifications import listener_factory
from app.store.ops import Op
from app.store.read_only import refuse_writes
from app.store.schema_safety import prepare
from app.store.sessions import Sessions

log = logging.getLogger(__name__)

DB_FILE = "notebook.db"
INDEX_DIR = "index"
APP_NAME = "Dossier"


def default_notebook_dir() -> Path:
    """Where the demo notebook lives: the platform's user data directory."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "Demo notebook"


def _author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class Notebook:
    """An open notebook: a database (SQLite file or URL) plus a Whoosh index folder.

    Attributes:
        articles, annotations, tags, search, imports, exports, history: the services.
        backup: the database backup made before a schema upgrade at open, if any.
        access: the current user's role and whether (and why not) edits are allowed; a
            read-only notebook refuses every edit with ReadOnlyError.
        team: the members of a shared notebook (owners manage them).
        live: watches the change log; subscribers learn what others changed (started
            with ``background=True``; ``live.check()`` looks at once).
    """

    def __init__(self, url: str, index_dir: Path | None, name: str, path: Path | None,
                 background: bool, repair_index: bool = True,
                 author: str | None = None) -> None:
        self.name = name
        self.path = path
        self.url = server.without_password(url)  # the only form kept, shown or logged
        self._engine = make_engine(url)
        self._closed = False
        try:
            with translated_errors():
                opened = prepare(self._engine)
            self._schema_reason = opened.read_only_reason
            sessions = make_sessions(self._engine)
            self._sessions = sessions
            self.access = self._read_access()
            if index_dir is None:  # a server notebook: this client's own index
                index_dir = _own_index_dir(sessions)
            index = SearchIndex.open(index_dir, read_only=not repair_index)
        except BaseException:
            close_engine(self._engine)
            raise
        self.backup = opened.backup
        refuse_writes(sessions, lambda: self.access.read_only_reason)
        self._indexer = Indexer(sessions, index)
        # every write logs what it changed as its last step; others' writes come back
        # through the log (drained on open, on notification, and by polling)
        self.live = LiveWatcher(sessions, listener_factory(self._engine), self._indexer.wake)
        changelog.install(sessions, on_commit=self.live.note_own, author=author)
        self.history = History(self._replay)
        # author None: edits are stamped with the store's "who am I" (app.store.identity)
        self._writer = Writer(sessions, self.history.record, self._indexer.wake, author)
        self._writer.refuse_edits_when(lambda: self.access.read_only_reason)
        self.team = TeamService(sessions, lambda: self.access)
        self.tags = TagService(sessions, self._writer)
        self.articles = ArticleService(sessions, self._writer)
        self.revisions = RevisionService(sessions, self._writer, author or _author())
        self.annotations = AnnotationService(sessions, self._writer, self.tags,
                                             author or _author())
        self.actors = ActorService(sessions, self._writer, self.annotations)
        self.agreements = AgreementService(sessions, self._writer, self.annotations)
        self.search = SearchService(sessions, self._indexer, expand=self.actors.expand)
        self.notes = NoteService(
            sessions, self._writer, self.history, annotations=self.annotations,
            actors=self.actors, agreements=self.agreements, search=self.search)
        self.conflicts = ConflictService(sessions, self._writer, self.history)
        self.imports = ImportService(sessions, self._indexer.wake, self.history, author)
        self.qdpx_import = QdpxImportService(sessions, self._writer)
        self.exports = ExportService(self)
        self.qdpx_export = QdpxExportService(self)
        self.transfer = BackupService(sessions, name, self.history.clear, self._indexer.wake)
        # the index is this client's own (fed from the log), so readers keep one too
        if repair_index:
            self._indexer.repair_on_open()
            _remove_old_notes_index(index_dir)
        if background and repair_index:
            self._indexer.start()
        if background:
            self.live.start()

    def _read_access(self) -> Access:
        shared = self.url.startswith("postgres")
        return read_access(self._sessions, shared, _author(), self._schema_reason)

    def refresh_access(self) -> Access:
        """Ask the database again for the user's role (an owner may have changed it)."""
        self.access = self._read_access()
        return self.access

    def _replay(self, ops: list[Op], label: str) -> Changes:
        return self._writer.replay(ops, label)

    @classmethod
    def open(cls, location: str | Path, *, index_dir: str | Path | None = None,
             background: bool = False, repair_index: bool = True,
             author: str | None = None) -> Notebook:
        """Open (creating if needed) a notebook folder or a SQLAlchemy URL.

        ``background=True`` starts the indexer thread (GUI); otherwise call
        ``nb.search.flush()`` to index pending work (CLI, tests). ``repair_index=False``
        opens the search index read-only: nothing in it is created, cleared or written
        (for ``check --no-repair``). ``author`` names who this notebook's edits are
        stamped with (default: ``DOSSIER_AUTHOR``, the database role, the login name).

        Raises:
            NotebookError: the location, its database file or the index folder cannot
                be used (a file that is not a SQLite database, a folder of other files);
                nothing is changed.
        """
        text = str(location)
        if "://" in text:
            # a password comes from the URL, the keyring, or libpq (.pgpass, service file)
            url = server.with_saved_password(server.normalise_url(text))
            index = Path(index_dir) if index_dir else None
            return cls(url, index, name=server.database_name(url), path=None,
                       background=background, repair_index=repair_index, author=author)
        folder = Path(location).expanduser().resolve()
        if folder.exists() and not folder.is_dir():
            raise NotebookError(f"{folder} is a file; a notebook is a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NotebookError(f"cannot create the notebook folder {folder}: {exc}") from exc
        index = Path(index_dir) if index_dir else folder / INDEX_DIR
        return cls(f"sqlite:///{folder / DB_FILE}", index, name=folder.name, path=folder,
                   background=background, repair_index=repair_index, author=author)

    @classmethod
    def open_demo(cls, location: str | Path | None = None, *, background: bool = False,
                  repair_index: bool = True) -> Notebook:
        """Open the demo notebook, creating it from the bundled seeds on first use."""
        from app.services.demo import seed_demo

        nb = cls.open(location or default_notebook_dir(), background=background,
                      repair_index=repair_index)
        seed_demo(nb)
        return nb

    @property
    def sessions(self) -> Sessions:
        """The session factory, for services and exports inside the core."""
        return self._sessions

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran: a view's late timer must not write through it
        (the engine would quietly reconnect to a file or database others may now own)."""
        return self._closed

    def close(self) -> None:
        """Stop watching and the indexer (queued work stays queued); release files."""
        self._closed = True
        self.live.stop()
        self._indexer.stop()
        self._indexer.index.close()
        self.notes.close()
        close_engine(self._engine)

    def __enter__(self) -> Notebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _remove_old_notes_index(index_dir: Path) -> None:
    """Notes had their own index beside the articles' one until schema 0006; now they
    share it. The old folder goes, if it holds nothing but Dossier's index files."""
    old = index_dir.with_name(index_dir.name + "-notes")
    try:
        if old.is_dir() and is_dossier_folder(old):
            shutil.rmtree(old)
    except OSError as exc:  # only tidying: the notebook works without it
        log.info("could not remove the old notes index %s: %s", old, exc)


def _own_index_dir(sessions: Sessions) -> Path:
    """The search index of a notebook opened by URL: in this user's data folder, one per
    notebook (its uuid), so each client of a shared notebook keeps its own, and Dossier
    never writes into a folder it did not create."""
    with translated_errors(), sessions() as session:
        notebook_uuid = changelog.clock(session).notebook_uuid
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return data / "indexes" / notebook_uuid
