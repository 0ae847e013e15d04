"""Shared Han items (issue #22) compose the same lines as an item made for each character.

``build_items`` gives every Han character of a paragraph in one face the face's shared item
for it (``compose._shared_han``), and whatever writes to an item (the pair rules beside a
mark, Latin text or a number, the price of a dateline or byline kept whole, emergency cuts)
first makes that place its own (``compose._own``); the breaker's walk, ``_Skip`` and
``_set_line`` take a short way through a shared item.  The general path (``faces`` given:
each character measured in its own face) makes an item for every character and takes none of
those ways.  Here the corpus, the real copy and seeded random mixes of Han, marks, Latin
words, numbers with units, datelines, bylines and runs of marks wider than the measure are
composed both ways, at several measures and settings, and every line must be the same, glyph
for glyph; then every shared item of the face must still be as it was made — a write that
went to a shared item would have changed the lines of every paragraph after it.  The last
test shows that the check can fail: a shared item written to directly changes lines.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import corpus_paragraphs
from typeset import compose
from typeset.compose import Settings, compose_paragraph

ROOT = Path(__file__).resolve().parents[1]

MEASURES = (8.0, 12.0, 13.5, 20.0)
SETTINGS = (Settings(), Settings(hanging=True), Settings(level="strict", style="kaiming"),
            Settings(level="none"))

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
MARKS = "，。、；：？！（）《》“”‘’——……·-/%"
WORDS = ["iPhone", "GDP", "2020", "3.14", "15%", "OpenHarmony", "internationalization",
         "https://www.example.com/a/b?x=1", "0531-82886032", "2015-08-06", "5G", "No.1"]
UNITS = ["2020年8月6日", "355公里", "11.37万亿元", "3个", "100多万人", "2.814亿人"]
DATELINES = ["本报成都8月6日电 ", "本报讯 ", "新华社北京3月5日电（记者 张三） "]
BYLINES = ["（记者 李四 通讯员 王五）", "（本报记者 赵六）"]


def _texts() -> list[str]:
    rnd = random.Random(2212)
    out = []
    for _ in range(120):
        parts = [rnd.choice(DATELINES)] if rnd.random() < 0.3 else []
        for _ in range(rnd.randint(4, 40)):
            r = rnd.random()
            if r < 0.55:
                parts.append("".join(rnd.choice(HAN) for _ in range(rnd.randint(1, 12))))
            elif r < 0.75:
                parts.append(rnd.choice(MARKS))
            elif r < 0.85:
                parts.append(rnd.choice(WORDS))
            elif r < 0.93:
                parts.append(rnd.choice(UNITS))
            elif r < 0.97:
                parts.append(rnd.choice(BYLINES))
            else:
                parts.append("，" * rnd.randint(10, 30))    # a run no break may split
        if rnd.random() < 0.3:
            parts.append(rnd.choice(BYLINES))
        out.append("".join(parts).strip())
    real = []
    for p in sorted((ROOT / "tests" / "corpus" / "realcopy").glob("*.txt")):
        real += [t.strip() for t in p.read_text(encoding="utf-8").split("\n") if t.strip()]
    return [t for t in out if t] + list(corpus_paragraphs()) + real[:200]


@pytest.fixture(scope="module")
def body_face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    return load_font_table(path, load_yaml(path), ROOT).face("body")


def _general(text, face, measure, settings):
    """The lines of the general path: an item made for every character."""
    return compose_paragraph(text, face, measure, settings, faces=[None] * len(text))


def _intact(face) -> None:
    for ch, both in compose._han_items(face).items():
        fresh = compose._shared_han(ch, both[0].adv)
        assert both == fresh, ch
        assert all(it.ink is compose._SHARED for it in both), ch


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s.level}-{s.style}-{s.hanging}")
def test_shared_items_compose_as_general_path(body_face, settings):
    texts = _texts()
    for measure in MEASURES:
        for t in texts:
            got = compose_paragraph(t, body_face, measure, settings)
            assert got == _general(t, body_face, measure, settings), (measure, t)
        got = compose_paragraph(texts[0], body_face, measure, settings, indent=0.0,
                                last_justified=True)
        assert got == compose_paragraph(texts[0], body_face, measure, settings, indent=0.0,
                                        last_justified=True, faces=[None] * len(texts[0]))
    assert compose._han_items(body_face)       # (the shared path was taken)
    _intact(body_face)


def test_writes_make_their_place_own(body_face):
    """A dateline kept whole, a byline, a number's unit, a run of marks cut in an emergency
    and Han characters after Latin text or a number: each of those places holds an item of
    its own; a Han character after a mark holds the shared item the pair rules give it (a
    break before it or not); the face's shared items are as made."""
    text = "本报成都8月6日电 今年2020年全国粮食总产量达到13390亿斤，，，，，，，，，，，，，，，，" \
           "，，，，比上年增加GDP增长113亿斤。“中国”（记者 李四 通讯员 王五）"
    lines = compose_paragraph(text, body_face, 12.0, Settings())
    assert "".join(ln.text for ln in lines) == text
    items = compose.build_items(text, body_face, Settings())
    compose._price_keeps(items, text, 12.0, 2.0)
    compose._mark_cuts(items, 10.0)
    general = compose.build_items(text, body_face, Settings(), faces=[None] * len(text))
    compose._price_keeps(general, text, 12.0, 2.0)
    compose._mark_cuts(general, 10.0)
    assert items == general
    kinds = set()
    for k, it in enumerate(items):
        before = items[k - 1].cls if k else None
        if it.penalty or it.cut or (it.cls == compose.H and before in compose._LATIN):
            assert it.ink is not compose._SHARED, (k, it.ch)
        elif it.cls == compose.H and before != compose.H:
            assert it.ink is compose._SHARED, (k, it.ch)
            kinds.add(it.can_break_before)
    assert kinds == {True, False}          # （记: no break; ，比: a break
    _intact(body_face)


def test_a_write_to_a_shared_item_changes_lines(body_face, monkeypatch):
    """The comparison can fail: with writes going to the shared items themselves (no
    _own), the price of a byline kept whole in one paragraph stays on its characters in
    the next, and the break inside 通讯员 there is avoided at the cost of two spaced lines."""
    face = type(body_face).__new__(type(body_face))
    face.__dict__.update(body_face.__dict__)      # a face of its own: its own shared items
    first = "今年全国粮食总产量达到13390亿斤，比上年增加113亿斤（记者 李四 通讯员 王五）。"
    text = "一二三四五六七八九通讯员十百千万亿一二三四五六七八九十百千万亿"
    want = _general(text, face, 12.0, Settings())
    assert compose_paragraph(text, face, 12.0, Settings()) == want
    monkeypatch.setattr(compose, "_own", lambda items, k: items[k])
    compose_paragraph(first, face, 12.0, Settings())
    with pytest.raises(AssertionError):
        _intact(face)
    assert compose_paragraph(text, face, 12.0, Settings()) != want


def test_skip_counts_as_char_counts(body_face):
    """_Skip's prefix counts of characters and of ——/…… halves (filled from the few items
    that change them) are _char_counts' (a walk over every item)."""
    texts = _texts() + ["——" * 9, "……", "，。", "中", "（）——中……文", "a——b"]
    for settings in SETTINGS:
        for t in texts:
            for faces in (None, [None] * len(t)):
                items = compose.build_items(t, body_face, settings, faces)
                skip = compose._Skip(items, -1)
                assert (skip.chars, skip.units) == compose._char_counts(items), t
