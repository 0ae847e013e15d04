"""compose.candidate_lines and the floor of letter-spaced lines (bench/spacing_floor.py, issue
#15): the breaker's choices are exactly the candidates, and on the sample issue the composer
leaves no more spaced lines than any legal choice of breaks must."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from typeset.compose import Settings, candidate_lines, compose_paragraph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import spacing_floor  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    return spacing_floor.sample_paragraphs()


@pytest.mark.parametrize("measure,hanging", [(8.0, False), (12.0, False), (20.0, False),
                                             (12.0, True)])
def test_composed_lines_are_candidates(sample, measure, hanging):
    """Each line compose_paragraph sets is one candidate_lines offers, priced and spaced the
    same (a hung mark too, where the paper hangs them): the floor is taken over the breaker's
    own choices."""
    paras, face, settings, _ = sample
    settings = replace(settings, hanging=hanging)
    for p in paras:
        cands = candidate_lines(p.text, face, measure, settings)
        (_, _, _), _, lines, odd, _, price = spacing_floor.composer(
            p.text, face, measure, settings, cands)
        assert odd == 0, p.label
        # the breaker found the cheapest breaks at its own prices
        assert price <= spacing_floor.cheapest(cands, len(p.text)) * (1 + 1e-9) + 1e-6, p.label


def test_sample_at_floor(sample):
    """At the sample paper's measure the composer's spaced lines are forced: no legal choice
    of breaks, no line looser than the composer's loosest, has fewer."""
    paras, face, settings, measure = sample
    total = floor_total = 0
    for p in paras:
        cands = candidate_lines(p.text, face, measure, settings)
        ck, _, _, _, widest, _ = spacing_floor.composer(p.text, face, measure, settings, cands)
        key, path = spacing_floor.floor(cands, len(p.text), cap=max(widest, 0.07))
        assert "".join(p.text[c.start:c.end] for c in path) == p.text
        assert ck == key, p.label
        total += ck[1]
        floor_total += key[1]
    assert total == floor_total > 0


def test_keep_units_lifted(sample):
    """keep_units=False (the 'unit' column of the bench) lets a number part from its unit;
    by default 2020|年 is never a break."""
    _, face, settings, _ = sample
    text = "今年的计划在2020年完成了大部分工作。"
    k = text.index("2020年") + 4     # a break before this 年

    def ends(**kw):
        return {c.end for c in candidate_lines(text, face, 6.0, Settings(indent=0.0), **kw)}

    assert k not in ends()
    assert k in ends(keep_units=False)
    lines = compose_paragraph(text, face, 6.0, Settings(indent=0.0))
    assert all(not ln.text.startswith("年") for ln in lines)
