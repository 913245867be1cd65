"""Stable GUIDs for exported records: the same record gets the same GUID in every export.

A GUID is ``uuid5(notebook uuid, "<kind>:<key>")``: deterministic, so a re-export of a
notebook keeps every source, code and selection recognisable to the tool that imported
the previous one, and different notebooks never share GUIDs. Always lower case (one case
in the whole file: some tools compare GUIDs as strings).
"""

from __future__ import annotations

import hashlib
import uuid


class Guids:
    """GUIDs in one notebook's namespace.

    Args:
        notebook_uuid: the notebook's own uuid (stored in the notebook).
    """

    def __init__(self, notebook_uuid: str) -> None:
        self._namespace = uuid.UUID(notebook_uuid).bytes

    def of(self, kind: str, *key: object) -> str:
        """The GUID of record ``kind`` identified by ``key`` (ids, names): exactly
        ``str(uuid.uuid5(namespace, "kind:key"))``, computed without building UUID objects
        (a large export asks for some 100,000 of them)."""
        name = ":".join((kind, *(str(k) for k in key)))
        digest = bytearray(hashlib.sha1(self._namespace + name.encode("utf-8")).digest()[:16])
        digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
        digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
        h = digest.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_notebook_uuid() -> str:
    """A fresh random uuid for a notebook that has none yet."""
    return str(uuid.uuid4())


def name_uuid(name: str) -> str:
    """A uuid derived from a notebook's location, for a notebook that cannot store one."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "dossier-notebook:" + name))
