"""The validation cache: JSON entries by key, outside the repository, never trusted blindly.

Where: ``$HNGRAPH_CACHE`` if set, else ``$XDG_CACHE_HOME/hngraph``, else ``~/.cache/hngraph``;
entries go to ``validation/<key[:2]>/<key>.json``. An entry is a line with the SHA-256 of the
rest, then the JSON document, which names its own key. An entry that cannot be read, whose
checksum or key does not match, or whose document is not what the reader expects is a miss: it
is recomputed and overwritten, never used. Writes go to a temporary file renamed into place, so a
reader never sees half an entry; a cache that cannot be written is skipped (the result is the
same without it).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from hngraph.project import cache_dir

FORMAT = 1  # bump when the entries' documents change


class Cache:
    """Entries by key (hex); ``hits``, ``misses`` and ``rejected`` count the lookups."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = (folder if folder is not None else cache_dir()) / "validation"
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries found but not trusted (corrupt, another key, bad document)

    def path(self, key: str) -> Path:
        """Where the entry of ``key`` lives."""
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        """The document stored for ``key``, or None (a miss)."""
        try:
            raw = self.path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        document = _decode(raw, key)
        if document is None:
            self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        return document

    def put(self, key: str, document: dict) -> None:
        """Store ``document`` for ``key``; a failure to write is ignored."""
        body = json.dumps(
            {"format": FORMAT, "key": key, "value": document},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode("utf-8")
        raw = hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(raw)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass


def _decode(raw: bytes, key: str) -> dict | None:
    checksum, newline, body = raw.partition(b"\n")
    if not newline or hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
        return None
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    if document.get("key") != key or not isinstance(document.get("value"), dict):
        return None
    return document["value"]
