"""An autosaved note survives the process being killed right after the save."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from app.services import Notebook

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import sys, time
    from app.services import Notebook
    nb = Notebook.open(sys.argv[1])
    notes = nb.notes
    note, _ = notes.create("Crash")
    for text in ("Erste", "Erste Zeile", "Erste Zeile und mehr"):
        notes.save_body(note.id, text)
    print("SAVED", flush=True)
    time.sleep(60)
""")


def test_autosaved_text_survives_sigkill(tmp_path) -> None:
    """After SIGKILL the last autosaved text is in the notebook and searchable."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "nb")], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "SAVED"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    with Notebook.open(tmp_path / "nb") as nb:
        notes = nb.notes
        [note] = notes.list()
        assert notes.get(note.id).body == "Erste Zeile und mehr"
        assert [h.note_id for h in notes.search("Zeile").hits] == [note.id]
        notes.close()
