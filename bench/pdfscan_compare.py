#!/usr/bin/env python3
"""pdfscan's run pattern (_ITEM) and TJ elements (_ELEMENT) against another version's: the
same match (span and groups) at every position of fuzzed content and of the first 20 kB of
each page file given (issue #22: the pattern made possessive must match as before).

    git show main:src/typeset/pdfscan.py > /tmp/old_pdfscan.py
    .venv/bin/python bench/pdfscan_compare.py /tmp/old_pdfscan.py SEED COUNT [PAGE.pdf …]
"""
import importlib.util
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


old = load(sys.argv[1], 'old_pdfscan')
new = load(str(ROOT / 'src' / 'typeset' / 'pdfscan.py'), 'new_pdfscan')


def same(s):
    for p in range(len(s) + 1):
        a, b = old._ITEM.match(s, p), new._ITEM.match(s, p)
        if (a is None) != (b is None) or (a is not None and (
                a.span() != b.span() or a.groups() != b.groups())):
            raise SystemExit(f"DIFF at {p}: {s!r}")
    a, b = old._ELEMENT.findall(s), new._ELEMENT.findall(s)
    assert a == b, s
import pikepdf  # noqa: E402

n = 0
for f in sys.argv[4:]:
    with pikepdf.open(f) as p:
        d = old.decoded(p.pages[0].obj.Contents, 1 << 26, 'c')
    same(d[:20000]); n += 1
PIECES = [b" ", b"\n", b"\x00", b"\x0b", b"\x0c", b"\t", b"\r", b"/", b"/F1", b"/BI", b"BI", b"ID", b"EI",
          b"Tf", b"Tj", b"TJ", b"Tm", b"Td", b"TD", b"'", b"(", b")", b"[", b"]", b"<", b">",
          b"<<", b">>", b"{", b"}", b"%", b"\\", b"\\001", b"\\377", b"\\477", b"\\(", b"9", b"-1.5", b".5", b"5.", b"-.", b"+",
          b"1e3", b"1" * 40, b"1" * 38, b"1" * 39, b"true", b"BT", b"ET", b"q", b"cm", b"k", b"1_0", b"+",
          b".", b"#41", b"/a#42", b"0", b"12.25", b"-3"]
TEMPLATES = [b"BT /F1+0 9 Tf (abc) Tj ET", b"[(a) -250 (\\001\\002)] TJ", b"/F2 8 Tf () Tj",
             b"1 0 0 1 78.6 1104.9 Tm", b"0 0 0 1 k", b"2 -3 Td 4 5 TD", b"[ 1 2 ( a ) ]TJ", b"/F1 9 Tf\n(\\001)Tj",
             b"(a(b)c) Tj", b"[<4142> 3] TJ", b"(x) '", b"1 2 3 4 5 6 7 Tm", b"1 2 Td", b"[1.5(a)-.5]TJ"]
rnd = random.Random(int(sys.argv[2]))
for _ in range(int(sys.argv[3])):
    parts = []
    for _ in range(rnd.randint(1, 8)):
        if rnd.random() < 0.5:
            t = rnd.choice(TEMPLATES)
            if rnd.random() < 0.5:
                k = rnd.randrange(len(t) + 1)
                t = t[:k] + rnd.choice(PIECES) + t[k:]
            if rnd.random() < 0.2:
                k = rnd.randrange(len(t)); t = t[:k] + t[k+1:]
            parts.append(t)
        else:
            parts.append(rnd.choice(PIECES))
        parts.append(rnd.choice([b" ", b"\n", b"", b"\x00", b"  "]))
    same(b"".join(parts)); n += 1
print("same on", n, "inputs")
