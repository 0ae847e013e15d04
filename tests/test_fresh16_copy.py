"""Copy the project had not seen (fresh16, tests/corpus/written16: a match report, a market
close, a science story with formulas and units, a 七律 quoted in a feature, a court story, a
wire story, a recipe, a reader's letter with an editor's note, a feature of dialogue, a tech
story with a URL and an e-mail address, a notice, a brief), set on a new 四开 paper and
looked at on the page.

- A reader's letter signed and dated, then an editor's note (编者按：…): the signature and
  the date were set as paragraphs, indented, under the text they sign — the closing lines
  are now looked for before an editor's note (body.closing_lines).
- 杜甫's 蜀相 quoted in a feature, title and poet above it: its couplets broke where the
  measure ran out (丞相祠堂何处寻，锦官 / 城外柏森森。) — a line of verse now turns over
  between its clauses (body._at_pauses; tests/test_verse_pdf.py reads it back), and a title
  and poet above the verse with no blank line are lines of verse too (load._txt_titled_verse).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from realcopy_build import body_lines, build_article, project  # noqa: F401

CORPUS = ROOT / "tests" / "corpus" / "written16"


def _paras(name: str):
    from typeset.load import parse_article
    from typeset.normalize import normalise_text

    f = CORPUS / name
    art = parse_article(f, f.read_text(encoding="utf-8"))
    return [type(p)(**{**p.__dict__, "text": normalise_text(p.text)[0]})
            for p in art.paragraphs]


def test_a_letter_s_closing_lines_are_found_before_the_editor_s_note():
    from typeset.body import closing_lines

    paras = _paras("c8.txt")
    assert [paras[k].text for k in sorted(closing_lines(paras))] == \
        ["读者 王建国", "2026年11月28日"]
    # without the note the same lines close the letter; a note alone closes nothing
    assert [paras[k].text for k in sorted(closing_lines(paras[:-1]))] == \
        ["读者 王建国", "2026年11月28日"]
    assert closing_lines(paras[-1:]) == set()
    # the notice (c11): its organ and date, no note after them
    notice = _paras("c11.txt")
    assert [notice[k].text for k in sorted(closing_lines(notice))] == \
        ["四川省科学技术协会", "2026年12月1日"]


LETTER = Path(CORPUS / "c8.txt").read_text(encoding="utf-8").split("\n\n", 1)[1].strip()


def test_a_signed_letter_with_a_note_ends_flush_right_on_the_page(tmp_path, project):
    whole, f = build_article(tmp_path, project, 12, "老旧小区的电梯何时能装上？", LETTER)
    assert (f["lost"], f["added"], f["start"], f["end"]) == (0,) * 4
    lines = body_lines(whole)
    lines = lines[:next(k for k, ln in enumerate(lines) if "本版协办单位" in ln.text)]
    sign = next(ln for ln in lines if ln.text.replace(" ", "").startswith("读者"))
    date = next(ln for ln in lines if ln.text.strip().startswith("2026年11月28日"))
    em = sign.size

    def segments(ln):
        """A row read back as the columns' lines: parted where a gap is near the gutter."""
        out, cur = [], [ln.chars[0]]
        for a, b in zip(ln.chars, ln.chars[1:]):
            if b.x0 - a.x1 > 0.8 * em:
                out.append(cur)
                cur = []
            cur.append(b)
        return out + [cur]

    for ln in (sign, date):
        mine = next(g for g in segments(ln) if g[0].ch in "读2")
        a, z = mine[0].x0, mine[-1].x1
        col = [g for o in lines for g in segments(o) if g[0].x0 < z and g[-1].x1 > a]
        right = max(g[-1].x1 for g in col)
        left = min(g[0].x0 for g in col)
        assert abs(z - right) < 0.05 * em, (ln.text, z, right)
        assert a - left > 3 * em, ln.text               # not at the paragraph indent


QUOTED = "他在会上说：“Sichuan dark tea has a long history in the world market.”随后又补充了几句。"


@pytest.mark.parametrize("measure", [10, 12, 14, 16])
def test_an_english_sentence_opens_its_word_spaces_before_the_han_beside_it(measure):
    """An English sentence quoted in Chinese copy: when its words cannot fill their lines,
    the word spaces open (CLREQ's first step of expansion) rather than the Han characters
    before the quotation — 他 在 会 上 at 2 em a gap at 12, 0.7 em at 16, because a word
    space past ½ em was priced as letter-spacing, above any Han line.  Now priced as even
    spacing of the same growth."""
    from typeset.compose import Settings, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    s = Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)
    lines = compose_paragraph(QUOTED, face, float(measure), s)
    assert "".join(ln.text for ln in lines).replace(" ", "") == QUOTED.replace(" ", "")
    assert max(ln.spacing for ln in lines[:-1]) <= 0.5, [(ln.spacing, ln.text) for ln in lines]
    assert sum(ln.spacing > 0.25 for ln in lines[:-1]) <= 1
