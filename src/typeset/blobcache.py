"""A disk cache of deterministic results keyed by the digest of everything they are made from
(issue #22, the cold start): what a fresh process would otherwise compute again on every
build of the same page — a face's subset program and its compressed form (pdf.py), the
compressed ICC output profile (pdfx.py).

Contract: ``load(kind, key)`` returns the bytes ``store(kind, key, payload)`` stored, or None;
``key`` is :func:`digest` of the inputs, the version of the code that makes the result
included by the caller, so that an entry can only ever be the result for exactly those
inputs.  Where and how, as the font metrics cache (fonts.py): under the user's cache folder
(``$XDG_CACHE_HOME/typeset/blobs``), each entry written whole under a name of the writing
process's own and renamed into place, bounded (``MAX_BYTES``, least recently used removed
first; entries unused for ``fonts.CACHE_MAX_AGE`` removed), a read-only home working without
it.

An entry is used only if it is whole and is the one asked for: it starts with a tag and the
key it was stored under (an entry copied or renamed to another key's name is not that key's)
and the SHA-256 of its payload, checked on every read; an entry that fails is removed and the
result made afresh.  A cache never changes what is written: the caller stores only what it
computed itself for that key, and a hit is those bytes.

Deflate is deterministic for one implementation and level but two zlib builds may compress
differently: :func:`deflate_id` (the zlib version and the compression of a fixed sample) goes
into the key of any compressed result."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

MAX_BYTES = 64 << 20          # the folder's bound: about 1,500 CJK subsets (40 KB each)
# what one process stores at most: a build of hundreds of pages (each page file its own
# subsets) would otherwise write hundreds of MB that no other build takes, and push out
# what the builds of single pages take again and again
MAX_STORED = MAX_BYTES // 4
_TAG = b"typeset-blob 1\n"
_HEAD = len(_TAG) + 64        # tag, key, payload digest
_written = [0]                # bytes stored by this process since its last pruning
_stored = [0]                 # bytes stored by this process


def _folder() -> Path:
    from .fonts import _cache_base

    return _cache_base() / "blobs"


def digest(*parts) -> bytes:
    """SHA-256 of ``parts`` (bytes, str or int), each length-prefixed: no two different lists
    of parts give the same stream of bytes."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, int):
            p = str(p).encode()
        elif isinstance(p, str):
            p = p.encode("utf-8")
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.digest()


_DEFLATE_ID: dict = {}


def deflate_id(level: int = -1) -> bytes:
    """What identifies zlib's compression at ``level`` in this process: the library's version
    and the digest of a fixed sample compressed (text, numbers and bytes that do not repeat,
    as in a font program), a few microseconds."""
    got = _DEFLATE_ID.get(level)
    if got is None:
        import zlib

        sample = bytearray()
        block = hashlib.sha256(b"typeset deflate sample").digest()
        for k in range(64):
            block = hashlib.sha256(block).digest()
            sample += block[: 8 + k % 24] + (b"BT /F1 9.5 Tf [(abc) -20 (def)] TJ ET\n" * (k % 3))
        got = _DEFLATE_ID[level] = digest(zlib.ZLIB_RUNTIME_VERSION, level,
                                          hashlib.sha256(zlib.compress(bytes(sample),
                                                                       level)).digest())
    return got


def _path(kind: str, key: bytes) -> Path:
    return _folder() / f"{kind}-{key.hex()}.blob"


def load(kind: str, key: bytes) -> bytes | None:
    """The payload stored for ``key``, or None (not stored, or an entry not whole: removed)."""
    path = _path(kind, key)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    payload = raw[_HEAD:]
    if raw[:len(_TAG)] != _TAG or raw[len(_TAG):len(_TAG) + 32] != key or \
            raw[len(_TAG) + 32:_HEAD] != hashlib.sha256(payload).digest():
        _remove(path)
        return None
    try:
        if time.time() - os.stat(path).st_mtime > _touch_after():
            os.utime(path)              # used: pruned last
    except OSError:
        pass
    return payload


def store(kind: str, key: bytes, payload: bytes) -> None:
    """Keep ``payload`` as the result for ``key``; nothing (and no error) where the cache
    folder cannot be written, or once this process has stored ``MAX_STORED`` bytes."""
    if _stored[0] + len(payload) > MAX_STORED:
        return
    _stored[0] += len(payload) + _HEAD
    path = _path(kind, key)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(_TAG + key + hashlib.sha256(payload).digest())
            fh.write(payload)
        os.replace(tmp, path)
    except OSError:
        _remove(tmp)
        return
    # the folder is pruned by the first entry a process stores, then after each sixteenth
    # of the bound written (a `watch` session storing the body face's subset after each edit)
    first = _written[0] == 0
    _written[0] += len(payload) + _HEAD
    if first or _written[0] > MAX_BYTES // 16:
        _written[0] = 1
        from .fonts import prune_cache

        prune_cache(path.parent, keep=path, max_bytes=MAX_BYTES, suffix=".blob")


def _touch_after() -> float:
    from .fonts import _TOUCH_AFTER

    return _TOUCH_AFTER


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
