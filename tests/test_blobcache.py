"""The disk cache of subsets and the compressed output profile (issue #22, the cold start).

What must hold: a build that takes every subset and the output profile from the cache writes
the same bytes as the build that made them; a second process really takes them from there
(it is given a subsetter and a compressor that fail, and still builds); an entry that is
damaged, cut short, stored under another key's name, or of the profile but not inflating back
to it, is never used — the result is made afresh and the bytes are the same; the folder stays
within its bound.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from conftest import SAMPLE, TYPESET

from typeset import blobcache

# a build in which making a subset or compressing the output profile fails: it succeeds only
# when both come from the cache
_NO_MAKING = """
import sys, types, zlib
import typeset.pdf as p, typeset.pdfx as x

def boom(*a, **k):
    raise SystemExit("made afresh: not taken from the cache")

p._subset_font = boom
x.zlib = types.SimpleNamespace(compress=boom, decompress=zlib.decompress, error=zlib.error)
from typeset.cli import main
main()          # (click reads the command from sys.argv[1:])
"""


def _env(cache: Path) -> dict:
    return dict(os.environ, XDG_CACHE_HOME=str(cache))


def _build(cache: Path, out: Path, cached_only: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", _NO_MAKING] if cached_only else list(TYPESET)
    return subprocess.run(cmd + ["build", "-q", "-o", str(out), str(SAMPLE)], env=_env(cache),
                          capture_output=True, text=True, timeout=600)


def _digests(out: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*.pdf")}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A cache folder filled by one build (the metrics and the blobs), and its PDFs."""
    base = tmp_path_factory.mktemp("made")
    cache, out = base / "cache", base / "out"
    r = _build(cache, out)
    assert r.returncode == 0, r.stderr
    return cache, _digests(out)


@pytest.fixture
def cache(made, tmp_path):
    """A copy of the filled cache for one test."""
    d = tmp_path / "cache"
    shutil.copytree(made[0], d)
    return d


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / "typeset" / "blobs").glob(f"{kind}-*.blob"))


def test_the_first_build_keeps_each_subset_and_the_profile(made):
    cache, digests = made
    subsets, icc = _entries(cache, "subset"), _entries(cache, "icc")
    assert len(icc) == 1 and len(subsets) >= 8          # the sample's faces
    assert len(digests) == 2


def test_a_second_process_takes_them_from_the_cache_and_writes_the_same_bytes(made, cache,
                                                                               tmp_path):
    r = _build(cache, tmp_path / "out", cached_only=True)
    assert r.returncode == 0, r.stderr
    assert _digests(tmp_path / "out") == made[1]


def test_without_the_cache_the_build_makes_them(tmp_path):
    # (what the test above rests on: the stand-ins do fail when asked to make anything)
    r = _build(tmp_path / "empty", tmp_path / "out", cached_only=True)
    assert r.returncode != 0
    assert "not taken from the cache" in r.stderr


def _flip(path: Path, at: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("damage", ["payload", "digest", "cut", "tag", "other key"])
def test_a_damaged_entry_is_not_used_and_is_made_afresh(made, cache, tmp_path, damage):
    victims = _entries(cache, "subset")[:3] + _entries(cache, "icc")
    for path in victims:
        raw = path.read_bytes()
        if damage == "payload":
            _flip(path, len(raw) - 7)
        elif damage == "digest":
            _flip(path, blobcache._HEAD - 1)
        elif damage == "cut":
            path.write_bytes(raw[:len(raw) // 2])
        elif damage == "tag":
            _flip(path, 2)
    if damage == "other key":
        # each entry's content under another entry's name (the folder's files shuffled)
        raws = [p.read_bytes() for p in victims]
        for p, raw in zip(victims, raws[1:] + raws[:1]):
            p.write_bytes(raw)
    r = _build(cache, tmp_path / "refused", cached_only=True)
    assert r.returncode != 0 and "not taken from the cache" in r.stderr
    # a build made them again: the same bytes, and whole entries in their place
    r = _build(cache, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert _digests(tmp_path / "out") == made[1]
    r = _build(cache, tmp_path / "again", cached_only=True)
    assert r.returncode == 0, r.stderr
    assert _digests(tmp_path / "again") == made[1]


def test_a_whole_profile_entry_that_is_not_the_profile_compressed_is_not_used(
        made, cache, tmp_path, monkeypatch):
    (icc,) = _entries(cache, "icc")
    key = bytes.fromhex(icc.name[len("icc-"):-len(".blob")])
    # well formed (its digest right) but another stream: it does not inflate to the profile
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    blobcache.store("icc", key, zlib.compress(b"not the profile" * 100, 6))
    assert blobcache.load("icc", key) is not None
    r = _build(cache, tmp_path / "refused", cached_only=True)
    assert r.returncode != 0 and "not taken from the cache" in r.stderr
    r = _build(cache, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert _digests(tmp_path / "out") == made[1]


# --- the store itself ------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(blobcache, "_written", [0])
    monkeypatch.setattr(blobcache, "_stored", [0])
    return tmp_path / "typeset" / "blobs"


def test_what_is_stored_is_what_is_loaded(store):
    key = blobcache.digest("test", 1, b"\x00\x01")
    assert blobcache.load("t", key) is None
    blobcache.store("t", key, b"payload" * 1000)
    assert blobcache.load("t", key) == b"payload" * 1000
    assert blobcache.load("t", blobcache.digest("test", 2, b"\x00\x01")) is None
    assert not list(store.glob("*.tmp"))


def test_digest_parts_cannot_run_into_each_other():
    assert blobcache.digest("ab", "c") != blobcache.digest("a", "bc")
    assert blobcache.digest(1, "2") != blobcache.digest("12")
    assert blobcache.digest(b"x") == blobcache.digest("x")


def test_a_damaged_entry_is_removed(store):
    key = blobcache.digest("test")
    blobcache.store("t", key, b"abc" * 100)
    (path,) = store.glob("t-*.blob")
    _flip(path, blobcache._HEAD + 5)
    assert blobcache.load("t", key) is None
    assert not path.exists()


def test_the_folder_is_bounded_oldest_out_first(store, monkeypatch):
    monkeypatch.setattr(blobcache, "MAX_BYTES", 64 * 1024)
    keys = [blobcache.digest("bound", k) for k in range(12)]
    for k, key in enumerate(keys):
        blobcache.store("t", key, bytes([k]) * 10_000)
        path = blobcache._path("t", key)
        t = time.time() - (12 - k) * 60     # each one a minute after the one before
        os.utime(path, (t, t))
        blobcache._written[0] = 0           # prune after every store
    total = sum(p.stat().st_size for p in store.glob("*.blob"))
    assert total <= 64 * 1024
    assert blobcache.load("t", keys[-1]) == bytes([11]) * 10_000
    assert blobcache.load("t", keys[0]) is None


def test_one_process_stores_a_quarter_of_the_bound_at_most(store, monkeypatch):
    monkeypatch.setattr(blobcache, "MAX_STORED", 25_000)
    keys = [blobcache.digest("many", k) for k in range(5)]
    for k, key in enumerate(keys):
        blobcache.store("t", key, bytes([k]) * 10_000)
    assert [blobcache.load("t", key) is not None for key in keys] == [True, True, False,
                                                                       False, False]
