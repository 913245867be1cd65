"""The application API: one method = one use case = one transaction.

Front ends (CLI, GUI, tests) use only this package's public surface below and
``app.core`` (records, ids, errors, dates); an import-linter contract forbids them the
submodules of ``app.services`` and the layers underneath (store, search, ingest, notes,
export). What a front end needs from those layers is re-exported here, so the surface is
one list that can be read and reviewed.
"""

from app.core.text_merge import merge_lines
from app.export.tabular import record_dict
from app.notes.links import Resolved, find_links, normalise, parse_url
from app.notes.render import render_markdown
from app.services.actor_exports import ActorExports
from app.services.actors import (
    clean_actor_name,
    clean_country,
    clean_external_id,
    clean_kind,
)
from app.services.agreements import SORTS as AGREEMENT_SORTS
from app.services.conflicts import ConflictService, NoteSave, seen_of
from app.services.imports import ImportReport
from app.services.live import LiveWatcher
from app.services.notebook import Notebook, default_notebook_dir
from app.services.notes import NoteService
from app.services.publishing import publish
from app.services.qdpx_export import QdpxExportReport, QdpxExportService
from app.services.qdpx_import import QdpxImportReport, QdpxImportService
from app.services.schema_upgrade import default_backup_folder, upgrade_notebook
from app.services.search import CheckReport
from app.services.team import TeamService, check_user_name
from app.store.schema_safety import UpgradeResult
from app.store.server import (
    is_server_url,
    keyring_key,
    save_password,
    saved_password,
    without_password,
)

__all__ = [
    "AGREEMENT_SORTS",
    "ActorExports",
    "CheckReport",
    "ConflictService",
    "ImportReport",
    "LiveWatcher",
    "NoteSave",
    "NoteService",
    "Notebook",
    "QdpxExportReport",
    "QdpxExportService",
    "QdpxImportReport",
    "QdpxImportService",
    "Resolved",
    "TeamService",
    "UpgradeResult",
    "check_user_name",
    "clean_actor_name",
    "clean_country",
    "clean_external_id",
    "clean_kind",
    "default_backup_folder",
    "default_notebook_dir",
    "find_links",
    "is_server_url",
    "keyring_key",
    "merge_lines",
    "normalise",
    "parse_url",
    "publish",
    "record_dict",
    "render_markdown",
    "save_password",
    "saved_password",
    "seen_of",
    "upgrade_notebook",
    "without_password",
]
