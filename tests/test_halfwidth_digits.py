"""Arabic digits are set half-width (typeset.fonts.halfwidth_digits, fonts/README.md).

Chinese newspapers set the digits of running text in the ½-em forms of their Song and Hei
faces; the committed Noto-derived faces (and a user's Noto face, converted by typeset) point
U+0030-0039 at the forms of the OpenType ``hwid`` feature.  Read back from the PDF: every digit
the Song or Hei face draws advances exactly ½ em, the digits of a number follow one another at
½ em.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET

CORPUS = ROOT / "tests" / "corpus" / "realcopy"
NOTO = {"serif": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
        "sans": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")}
DIGITS = "0123456789"


def _noto(which: str):
    from fontTools.ttLib import TTFont

    path = NOTO[which]
    if not path.is_file():
        pytest.fail(f"{path} is missing: install fonts-noto-cjk (`make tools` does)")
    return TTFont(str(path), fontNumber=2, lazy=False, recalcTimestamp=False)


@pytest.mark.parametrize("which", sorted(NOTO))
def test_the_half_width_forms_are_found_in_noto(which):
    from typeset.fonts import halfwidth_digits

    font = _noto(which)
    mapping = halfwidth_digits(font)
    cmap = font.getBestCmap()
    assert sorted(mapping) == [ord(c) for c in DIGITS]
    for cp, glyph in mapping.items():
        assert glyph != cmap[cp]                        # a form of its own, not the cmap's
        assert font["hmtx"][glyph][0] == font["head"].unitsPerEm // 2


def test_all_ten_or_none():
    """A face whose forms are not all exactly ½ em keeps its own digits (one form widened by
    20 units: nothing is remapped); a face with no hwid at all (the Kai face: LXGW WenKai has
    none, and the committed files carry no layout tables) likewise."""
    from fontTools.ttLib import TTFont

    from typeset.fonts import halfwidth_digits

    font = _noto("serif")
    seven = halfwidth_digits(font)[ord("7")]
    adv, lsb = font["hmtx"][seven]
    font["hmtx"][seven] = (adv + 20, lsb)
    assert halfwidth_digits(font) == {}
    kai = TTFont(str(ROOT / "fonts" / "TypesetKaiSC-Regular.ttf"), lazy=True)
    assert halfwidth_digits(kai) == {}


def _number_page(tmp_path: Path) -> Path:
    """The sample issue with 05's slot set from 158 (the statistics office's PMI release:
    percentages, dates, decimals) and built; the page file."""
    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    src = (CORPUS / "158-tjj-zhizaoye-pmi-2017.txt").read_text(encoding="utf-8")
    paras = src.split("\n\n")[2:4]
    p = d / "05-dazhou-liunao.txt"
    head = p.read_text(encoding="utf-8").split("\n")[:2]
    p.write_text("\n".join(head + [""] + ["\n\n".join(paras), ""]), encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return next((tmp_path / "out").glob("*-p03.pdf"))


def _digit_runs(chars):
    """Runs of consecutive digits drawn on one baseline by one face and size."""
    runs, cur = [], []
    for c in chars:
        if c.ch in DIGITS and cur and c.font == cur[-1].font and c.size == cur[-1].size \
                and abs(c.base - cur[-1].base) < 0.01:
            cur.append(c)
            continue
        if len(cur) > 0:
            runs.append(cur)
        cur = [c] if c.ch in DIGITS else []
    if cur:
        runs.append(cur)
    return runs


def test_digits_read_back_half_an_em(sample_build, tmp_path):
    """On the sample page and on a page of statistics: every digit of the Song and Hei faces
    is ½ em wide in the PDF (its Widths entry), the digits of a number stand ½ em apart (no
    spacing inside a number), the Kai face's digits keep their 0.6 em."""
    from pdfread import read_chars

    seen = {"song/hei": 0, "kai": 0}
    for pdf in (sample_build.page_pdfs[0], _number_page(tmp_path)):
        chars = read_chars(pdf)
        for run in _digit_runs(chars):
            for c in run:
                adv = c.x1 - c.x0
                if "Kai" in c.font:
                    seen["kai"] += 1
                    assert adv == pytest.approx(0.6 * c.size, abs=0.01), (pdf.name, c)
                else:
                    assert "Serif" in c.font or "Sans" in c.font, c.font
                    seen["song/hei"] += 1
                    assert adv == pytest.approx(c.size / 2, abs=0.01), (pdf.name, c)
            for a, b in zip(run, run[1:]):
                assert b.x0 - a.x0 == pytest.approx(a.size * (0.6 if "Kai" in a.font else 0.5),
                                                    abs=0.01), (pdf.name, a, b)
    assert seen["song/hei"] > 100, seen          # the statistics page has over a hundred
