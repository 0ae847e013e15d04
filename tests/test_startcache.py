"""The start-up cache (startcache.py, issue #22): a second process takes the dataclass
methods and regular expressions the first compiled, and they behave as compiled afresh; a
damaged cache or one of another Python is not used (and is written whole again); a build
writes the same bytes with the cache warm as without it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PROGRAM = r'''
import json, sys
from typeset import startcache
startcache._WORTH = 1          # write whatever was compiled anew, however little
startcache.install()
import dataclasses, re

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    """a point"""
    x: int
    y: int = 2
    tags: tuple = ()

@dataclasses.dataclass
class Box:
    name: str
    size: float = dataclasses.field(default=1.5)
    items: list = dataclasses.field(default_factory=list)

p, q = Point(1), Point(1, 3, ("a",))
b = Box("n")
b.items.append(3)
out = dict(
    point=[repr(p), repr(q), p == Point(1), p < q, hash(p) == hash(Point(1)),
           str(Point.__init__.__annotations__), Point.__doc__],
    box=[repr(b), b == Box("n", 1.5, [3]), Box.__doc__, Box.__eq__.__qualname__],
)
pats = [(r"(?P<year>\d{4})-(?P<m>\d\d)", 0, "on 2020-08 and 2021-09"),
        (r"[\u4e00-\u9fff]+|[a-z]+", re.I, "排版 Typeset 報紙"),
        (r"^\s*#(.*)$", re.M, "a\n # b\n#c"),
        (rb"\x00+(ab|cd)", 0, b"x\x00\x00cd\x00ab")]
for pat, flags, text in pats:
    rx = re.compile(pat, flags)
    found = [m.groups() if isinstance(text, str) else [g.hex() for g in m.groups()]
             for m in rx.finditer(text)]
    out[repr(pat)] = [rx.flags, rx.groups, dict(rx.groupindex), found]
out["counts"] = startcache.counts()
startcache.save()
print(json.dumps(out))
'''


def run(cache: Path) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("TYPESET_STARTCACHE", None)
    r = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def cache_file(cache: Path) -> Path:
    (f,) = (cache / "typeset").glob("startup-*.bin")
    return f


def test_second_process_takes_what_the_first_compiled(tmp_path):
    first = run(tmp_path)
    assert first["counts"]["misses"] > 0
    assert first["counts"]["hits"] == 0
    second = run(tmp_path)
    # every method of the two classes and every expression came from the file ...
    assert second["counts"]["misses"] == 0
    assert second["counts"]["hits"] >= first["counts"]["misses"]
    # ... and they do what the freshly compiled ones did
    assert {k: v for k, v in second.items() if k != "counts"} == \
        {k: v for k, v in first.items() if k != "counts"}
    assert second["point"][2:5] == [True, True, True]
    assert second["box"][1] is True
    assert second[repr(r"(?P<year>\d{4})-(?P<m>\d\d)")][3] == [["2020", "08"], ["2021", "09"]]


def test_damaged_or_foreign_cache_is_not_used_and_written_again(tmp_path):
    fresh = run(tmp_path)
    path = cache_file(tmp_path)
    good = path.read_bytes()
    for bad in (good[:-100],                                          # cut short
                good[:-50] + bytes([good[-50] ^ 1]) + good[-49:],     # one bit changed
                good[:21] + hashlib.sha256(b"another python").digest() + good[53:]):
        path.write_bytes(bad)
        again = run(tmp_path)
        assert again["counts"]["hits"] == 0
        assert {k: v for k, v in again.items() if k != "counts"} == \
            {k: v for k, v in fresh.items() if k != "counts"}
        assert path.read_bytes() != bad              # written whole again
        assert run(tmp_path)["counts"]["misses"] == 0


def test_build_same_bytes_with_the_cache_warm(tmp_path):
    sample = ROOT / "issues" / "sichuan-kejibao-2020-08"
    digests = []
    for k, off in enumerate(("0", "1", "1")):      # without; fills the cache; takes from it
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), TYPESET_STARTCACHE=off)
        out = tmp_path / f"out{k}"
        r = subprocess.run([sys.executable, "-m", "typeset", "build", str(sample), "-o",
                            str(out), "-q"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted(out.glob("*.pdf"))})
    assert digests[0] and digests[0] == digests[1] == digests[2]
    assert cache_file(tmp_path / "cache").stat().st_size > 100_000


ONE_NEW = r'''
import dataclasses, re, sys
from typeset import startcache
startcache.install()

@dataclasses.dataclass
class A:
    x: int = 0

re.compile(sys.argv[1])
startcache.save()
print(startcache.counts()["misses"])
'''


def test_a_lone_new_expression_does_not_rewrite_the_file(tmp_path):
    # (reportlab makes a pattern of its own in each process; a build's steps on the file
    # system must be the same from one run to the next: tests/test_faults_build.py)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    env.pop("TYPESET_STARTCACHE", None)

    def run(pattern):
        r = subprocess.run([sys.executable, "-c", ONE_NEW, pattern], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return int(r.stdout)

    assert run("first[0-9]+") >= 2                 # the class's methods and the pattern
    before = cache_file(tmp_path).read_bytes()
    assert run("second[a-z]+") == 1                 # only the new pattern
    assert cache_file(tmp_path).read_bytes() == before
