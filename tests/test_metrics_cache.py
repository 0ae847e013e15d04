"""The metrics cache on disk (issue #22: a cold start): a face's cmap is kept as arrays and
looked up where it lies (fonts.CodeMap) instead of being rebuilt as dicts in every process.

What must hold: the metrics read through the cache are the font's own (checked against
fontTools reading the file, for every code point of a CJK face); an entry that is damaged,
cut short or of an older format is never used: the font is read again and the entry written
afresh; several processes writing the same entry at once leave a whole one; and the PDF
writer, which now fills its per-face tables as characters are asked for, draws the same
widths as the font's hmtx says.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from conftest import ROOT

import typeset.fonts as fonts_mod

SERIF = ROOT / "fonts" / "TypesetSerifSC-Regular.ttf"
HALT = ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(d))
    fonts_mod._metrics.cache_clear()
    yield d / "typeset" / "metrics"
    fonts_mod._metrics.cache_clear()


def truth(path: Path) -> tuple[dict, dict, int]:
    """(code point → glyph id, code point → advance, units per em), read with fontTools."""
    from fontTools.ttLib import TTFont

    tt = TTFont(str(path), lazy=True)
    cmap = tt.getBestCmap()
    order = {n: k for k, n in enumerate(tt.getGlyphOrder())}
    hmtx = tt["hmtx"].metrics
    out = ({cp: order[g] for cp, g in cmap.items()}, {cp: hmtx[g][0] for cp, g in cmap.items()},
           tt["head"].unitsPerEm)
    tt.close()
    return out


def entry(cache: Path) -> Path:
    (e,) = cache.glob("*.pickle")
    return e


def fresh(path: Path) -> dict:
    """The metrics as a new process would get them (nothing kept in memory)."""
    fonts_mod._metrics.cache_clear()
    return fonts_mod.font_metrics(path)


def same_as_font(m: dict, path: Path) -> None:
    gid, adv, upem = truth(path)
    assert m["upem"] == upem
    assert len(m["gid"]) == len(gid) and len(m["adv"]) == len(adv)
    assert dict(m["gid"].items()) == gid
    assert dict(m["adv"].items()) == adv
    assert list(m["adv"]) == sorted(adv)
    # code points the face does not map, in a mapped block and outside every block
    for cp in (0x10FFFF, 0x3FFFF, max(gid) + 1, -1):
        if cp not in gid:
            assert cp not in m["adv"] and m["adv"].get(cp) is None
            with pytest.raises(KeyError):
                m["gid"][cp]


def test_metrics_through_the_cache_are_the_fonts_own(tmp_path, cache):
    font = tmp_path / "serif.ttf"
    shutil.copyfile(SERIF, font)
    first = fresh(font)                 # read with fontTools, entry written
    assert entry(cache).stat().st_size > 0
    second = fresh(font)                # from the entry
    same_as_font(first, font)
    same_as_font(second, font)
    face = fonts_mod.FontFace(fonts_mod.FaceSpec("song", font, "X"))
    gid, adv, upem = truth(font)
    for ch in "中国，。“《—a1𠮷":
        assert face.has(ch) == (ord(ch) in adv)
        assert face.advance(ch) == (adv[ord(ch)] / upem if ord(ch) in adv else 1.0)
    assert face.missing("中𠮷\n") == sorted(c for c in "中𠮷" if ord(c) not in adv)


@pytest.mark.parametrize("damage", ["garbage", "cut", "empty", "arrays", "old format",
                                    "missing field"])
def test_a_damaged_or_stale_entry_is_read_again_never_used(tmp_path, cache, damage):
    font = tmp_path / "halt.ttf"
    shutil.copyfile(SERIF, font)
    fresh(font)
    e = entry(cache)
    data = e.read_bytes()
    m = pickle.loads(data)
    if damage == "garbage":
        e.write_bytes(os.urandom(len(data)))
    elif damage == "cut":
        e.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        e.write_bytes(b"")
    elif damage == "arrays":
        # a whole pickle whose arrays do not fit together: the glyph ids cut short
        pages, gids, advs = m["cmap"]
        m["cmap"] = (pages, zlib.compress(zlib.decompress(gids)[:-512]), advs)
        e.write_bytes(pickle.dumps(m))
    elif damage == "old format":
        # an entry of cache version 5 (dicts), as the previous release wrote it
        gid, adv, upem = truth(font)
        old = {k: v for k, v in m.items() if k != "cmap"}
        old.update(version=5, gid=gid, adv={cp: 1 for cp in adv})     # wrong on purpose
        e.write_bytes(pickle.dumps(old))
    elif damage == "missing field":
        del m["ink"]
        e.write_bytes(pickle.dumps(m))
    got = fresh(font)
    same_as_font(got, font)
    # and the entry was written afresh, whole
    again = pickle.loads(entry(cache).read_bytes())
    assert again["version"] == fonts_mod._CACHE_VERSION and "cmap" in again
    same_as_font(fresh(font), font)


def test_a_font_changed_in_place_is_read_again(tmp_path, cache):
    """The entry is keyed by the file's stamp (size, modification time, inode): the same path
    with other content gets other metrics."""
    font = tmp_path / "f.ttf"
    shutil.copyfile(HALT, font)
    same_as_font(fresh(font), font)
    shutil.copyfile(SERIF, font)
    same_as_font(fresh(font), font)


def test_processes_writing_the_same_entry_at_once_leave_a_whole_one(tmp_path, cache):
    font = tmp_path / "serif.ttf"
    shutil.copyfile(SERIF, font)
    code = ("import sys, typeset.fonts as f; m = f.font_metrics(sys.argv[1]); "
            "print(len(m['adv']), m['adv'][0x4E2D], m['gid'][0x4E2D])")
    env = dict(os.environ, XDG_CACHE_HOME=str(cache.parent.parent))
    procs = [subprocess.Popen([sys.executable, "-c", code, str(font)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=300)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    gid, adv, _ = truth(font)
    assert outs == [[str(len(adv)), str(adv[0x4E2D]), str(gid[0x4E2D])]] * 4
    assert not list(cache.glob("*.tmp"))
    same_as_font(fresh(font), font)


def test_the_pdf_writer_gets_the_fonts_widths_as_characters_are_asked_for(tmp_path, cache):
    """The writer's tables of a face start empty and fill as ReportLab asks; what they answer
    is the font's hmtx scaled to 1000 units, for ``[]``, ``in``, ``get`` and stringWidth."""
    from reportlab.pdfbase.pdfmetrics import getFont, stringWidth

    from typeset import pdf

    font = tmp_path / "serif.ttf"
    shutil.copyfile(SERIF, font)
    gid, adv, upem = truth(font)
    name = pdf._register("TypesetCacheTest-Serif", font)
    face = getFont(name).face
    assert face.charToGlyph and face.charWidths       # not empty to ReportLab
    for ch in "中文，A":
        cp = ord(ch)
        assert cp in face.charToGlyph and face.charToGlyph[cp] == gid[cp]
        assert face.charWidths.get(cp) == adv[cp] * 1000.0 / upem
    assert 0x10FFFF not in face.charToGlyph and face.charWidths.get(0x10FFFF, -1) == -1
    text = "新闻出版"
    assert stringWidth(text, name, 10) == pytest.approx(
        sum(adv[ord(c)] for c in text) * 10 / upem)
