"""The line composer on its own: CLREQ rules as invariants over many texts and measures."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from typeset import cjk
from typeset.compose import Settings, compose_headline, compose_paragraph

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"


@pytest.fixture(scope="module")
def face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    return load_font_table(path, load_yaml(path), ROOT).face("body")


def check_lines(text, lines, measure, settings=Settings()):
    """The invariants every composed paragraph must meet."""
    no_start, no_end = cjk.LEVELS[settings.level]
    assert "".join(ln.text for ln in lines) == text          # nothing lost, added, reordered
    for k, ln in enumerate(lines):
        t = ln.text
        assert t[0] not in cjk.ALWAYS_NO_START or k == 0, t
        assert t[-1] not in cjk.ALWAYS_NO_END or k == len(lines) - 1, t
        if k > 0:
            prev = lines[k - 1].text
            # never split inside ——, ……, a Latin word or a number
            assert not (prev[-1] == t[0] and t[0] in "—…"), (prev, t)
            assert not (prev[-1].isascii() and prev[-1].isalnum() and t[0].isascii()
                        and t[0].isalnum()), (prev, t)
        width = measure - ln.indent
        if ln.justified and not ln.overfull:
            assert abs(ln.width - width) < 0.1 / 9, (t, ln.width, width)
        assert ln.width <= width + 1e-6 or ln.overfull, (t, ln.width)


CASES = [
    "一二三四五六七八九十，一二三四五六七八九十。",
    "一二三四五六七八九“十一二三四五六七八九十。",
    "一二三四五六七八九十——一二三四五六七八九十。",
    "一二三四五六七2024年一二三四五六七八九十。",
    "（本报讯）一二三四五六七八九十一二三四五六七八九十。",
    "一二三四五六七八“好。”一二三四五六七八九十。",
    "增长5.5%，其中GDP增长较快，¥100元，−5℃。",
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("measure", [8, 10, 12, 15, 20])
def test_vectors(face, text, measure):
    check_lines(text, compose_paragraph(text, face, measure), measure)


def test_comma_is_pushed_in_not_left_at_line_start(face):
    # 先挤进，后推出: the earlier comma gives up ½ em so the line-start-prohibited comma fits
    lines = compose_paragraph("一二三，四五六七八九，一二三四五六七八九十一二三。", face, 10,
                              indent=0)
    assert lines[0].text == "一二三，四五六七八九，"
    assert abs(lines[0].width - 10) < 1e-6
    # with nothing to squeeze, a character is carried down instead
    lines = compose_paragraph("一二三四五六七八九十，一二三四五六七八九十。", face, 10,
                              indent=0)
    assert lines[1].text.startswith("十，")


def test_line_end_mark_and_opening_bracket(face):
    lines = compose_paragraph("（本报讯）一二三四五六七八九十一二三四五六七八九十。", face, 10)
    g = lines[0].glyphs[0]
    assert g.ch == "（" and g.form == "halt" and abs(g.x) < 1e-9   # leading ½ em removed


def test_no_orphan(face):
    # 21 characters in a measure of 10 would leave "。" plus one character alone
    text = "一二三四五六七八九十一二三四五六七八九十一。"
    lines = compose_paragraph(text, face, 10, indent=0)
    last = [c for c in lines[-1].text if c not in "，。"]
    assert len(last) >= 2


def test_headline_is_balanced(face):
    lines = compose_headline("泸州市科协与永川区科协携手助力双城经济圈建设", face, 12.5)
    assert len(lines) == 2
    assert abs(len(lines[0].text) - len(lines[1].text)) <= 2


def corpus_texts():
    for p in sorted(CORPUS.glob("*.txt")):
        for para in p.read_text(encoding="utf-8").split("\n\n"):
            para = para.strip().replace("\n", "")
            if para and not para.startswith("#"):
                yield para


@pytest.mark.parametrize("measure", range(8, 21))
def test_stress_corpus_in_every_measure(face, measure):
    n = 0
    for text in corpus_texts():
        check_lines(text, compose_paragraph(text, face, measure), measure)
        n += 1
    assert n >= 20


ALPHABET = st.sampled_from(
    list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动")
    + list("，。、；：？！“”‘’（）《》——……·") + list("GDP5G2020abc.%¥ "))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(ALPHABET, min_size=1, max_size=120), st.integers(min_value=8, max_value=20))
def test_random_text(face, text, measure):
    text = text.strip()
    if not text:
        return
    check_lines(text, compose_paragraph(text, face, measure), measure)
