#!/usr/bin/env python3
"""The floor of letter-spaced lines: how many a paragraph *must* have (issue #15).

Issue #15 asks that at most 0.5 % of non-final body lines open a gap between two Han
characters wider than 0.05 em (``cjk.EVEN_UNSEEN``), and at the same time that no line starts
or ends with a prohibited mark (the paper's level), that no paragraph ends in a 孤字, that no
break falls inside ——, ……, a number and its unit or a short Latin word, and that datelines
and bylines stay whole.  CLREQ (typography.md §1.6) lets a line shrink only its punctuation,
word spaces and Han–Latin gaps, never a Han–Han gap: a line that cannot be filled otherwise is
spaced.  Are the spaced lines the composer leaves forced by those rules, or could other breaks
avoid them?

For every paragraph this script asks the composer for every line it may choose
(``compose.candidate_lines``: its own break rules, widths, shrink, stretch and prices; nothing
is re-implemented here) and runs an exact dynamic programme over the break positions that
minimises, in this order,

  faults   emergencies first (a cut inside a run, an overfull line, a non-final line nothing
           on it can stretch — one Han character alone —, a Latin run letter-spaced alone,
           Latin words with their spaces opened past ½ em), then the lines the issue forbids:
           a 孤字, a line of marks alone, a dateline or bylined name split although it fits
  spaced   non-final lines visibly letter-spaced (``Line.visibly_spaced``: even spacing over
           0.05 em a gap) — the *floor*
  loose    of those, lines spaced over 0.07 em a gap (``cjk.EVEN_LOOSE``)

with no line opening its gaps wider than the composer's widest in that paragraph (0.07 em if
that is less; ``--cap`` sets one cap for all): without a cap one line of two characters spread
over the measure would "save" three lines spaced by 0.1 em, and with it a floor below the
composer is a choice no looser anywhere.  ``min-L`` is the same programme with loose before
spaced; ``any-S`` the floor with no cap at all.  The composer's choice is counted the same way
— from the composer's lines matched to the candidates, not from a PDF (bench/realcopy.py reads
the built pages back; its figures differ by a few lines: a byline's line, a column's first
line, emphasis and list paragraphs, which are left out here) — and the script checks that each
of its paragraphs costs, at the breaker's own prices (``Candidate.cost``), no more than the
cheapest legal breaks.  Paragraphs where a floor beats the composer in a count and is worse in
none are listed with both settings.  The floor is computed again with one rule lifted at a
time, to show which rule forces which spaced lines:

  basic    the loosest line-start/line-end level the paper schema allows (gb → basic: a
           solidus may end a line)
  hang     one of 、，。 may hang past the measure (the paper's ``hanging: true``, CLREQ
           §hanging_punctuation_marks_at_line_end: rare in the mainland, allowed by the schema)
  none     no line-start/line-end prohibition at all (CLREQ's level "none": ，。 may start a
           line; the project never allows it — shown only to size what kinsoku forces)
  孤字     a paragraph may end in one character
  unit     a number may be split from its unit or counter (2020|年, 355|公里)
  keep     datelines and bylined names may be split
  all      none + hang + 孤字 + unit + keep together

Inputs: the sample issue's articles (issues/sichuan-kejibao-2020-08, loaded and normalised as
the build does, at the paper's settings) and the real-copy corpus (tests/corpus/realcopy/,
normalised, set with the sample paper's settings as bench/realcopy.py does).  Only plain body
paragraphs are counted (no emphasis spans, no lists, quotes or tables).

Usage: .venv/bin/python bench/spacing_floor.py [--measures 8,12,16,20] [--corpus sample,realcopy]
                                              [--rules paper,basic,hang,none,orphan,unit,keep,all]
                                              [--list N]
The sample issue is always set at its own measure (the paper's column_chars, 12) as well.
About 10 s for the sample alone (--corpus sample), 2–4 minutes for the defaults (the real
copy at four measures, six rules lifted) on the 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
CORPUS = ROOT / "tests" / "corpus" / "realcopy"

from typeset import cjk  # noqa: E402
from typeset.compose import INF, candidate_lines, compose_paragraph  # noqa: E402

EMERGENCY = 10 ** 6      # an emergency outweighs any number of other faults in a corpus
RULES = ("paper", "basic", "hang", "none", "orphan", "unit", "keep", "all")
HEAD = {"paper": "floor", "basic": "basic", "hang": "hang", "none": "none", "orphan": "孤字",
        "unit": "unit", "keep": "keep", "all": "all"}


@dataclass
class Para:
    label: str       # article file and paragraph number
    text: str


def sample_paragraphs():
    """The sample issue as the build sees it: loaded, normalised; its face and settings."""
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    issue = load_issue(SAMPLE)
    if issue.normalise:
        issue, _ = normalise_issue(issue)
    paper = issue.paper
    face = issue.fonts.face(paper.body.role)
    paras = []
    for key, art in issue.articles.items():
        for k, p in enumerate(art.paragraphs):
            if p.kind == "body" and not p.spans and p.text:
                paras.append(Para(f"{Path(str(art.path)).name}#{k}", p.text))
    return paras, face, paper.settings, float(paper.column_chars)


def corpus_paragraphs():
    from typeset.load import parse_article
    from typeset.normalize import normalise_text

    paras = []
    for f in sorted(CORPUS.glob("*.txt")):
        art = parse_article(f, f.read_text(encoding="utf-8-sig"))
        for k, p in enumerate(art.paragraphs):
            if p.kind == "body" and not p.spans and p.text:
                paras.append(Para(f"{f.name}#{k}", normalise_text(p.text)[0]))
    return paras


def variant(settings, rule):
    """(settings, keep_units, orphans_allowed, keeps_allowed) with ``rule`` lifted."""
    if rule in ("basic", "none"):
        return replace(settings, level=rule), True, False, False
    if rule == "hang":
        return replace(settings, hanging=True), True, False, False
    if rule == "all":
        return replace(settings, level="none", hanging=True), False, True, True
    return settings, rule != "unit", rule == "orphan", rule == "keep"


def fault(c, orphans_ok=False, keeps_ok=False) -> int:
    """Does candidate line ``c`` break a rule of issue #15 (see the module docstring)?  The
    composer's emergencies (:func:`emergency`) count here too, so that a floor never trades
    one for a 孤字 or a split dateline."""
    return int((c.orphan and not orphans_ok) or c.marks_only or (c.keep and not keeps_ok)
               or emergency(c))


def emergency(c) -> bool:
    """A line the composer sets only when it must (its module contract): cut inside a run,
    overfull, a non-final line nothing on it can stretch (one Han character alone: it misses
    the column edge), a lone Latin run letter-spaced, Latin words with their spaces opened
    past ½ em."""
    return c.emergency or c.overfull or (not c.final and (c.ragged or c.letterspaced
                                                          or c.wide_spaces))


def gap(c) -> float:
    """The widest gap line ``c`` opens beyond its natural one (em): even spacing, or the
    letter-spacing of a lone Latin run."""
    return max(c.spacing, c.letter)


def spaced(c) -> bool:
    """Visibly spaced (``Line.visibly_spaced``), or Latin words alone with their spaces opened
    past ½ em (no Han gap to measure, but as visible a hole)."""
    return not c.final and (c.visibly_spaced or c.wide_spaces)


def loose(c) -> bool:
    """Spaced wider than 0.07 em a gap (``cjk.EVEN_LOOSE``); a Latin run letter-spaced alone
    on its line, or Latin words with their spaces opened past ½ em, always are."""
    return not c.final and (c.letterspaced or c.wide_spaces
                            or c.spacing > cjk.EVEN_LOOSE + 1e-9)


def floor(cands, n, orphans_ok=False, keeps_ok=False, loose_first=False, cap=INF):
    """The least (faults, spaced, loose) — ``loose_first``: (faults, loose, spaced) — over
    every sequence of candidate lines from 0 to n none of which opens a gap wider than ``cap``
    em, returned as (faults, spaced, loose), and the lines of one such sequence.  An exact
    dynamic programme: each line's counts depend on that line alone and the order is
    lexicographic, so every prefix of a best sequence is a best sequence to its end.  Without
    the cap one line of two characters spread over the measure would "save" three lines
    spaced by 0.1 em."""
    def order(key):
        return (key[0], key[2], key[1]) if loose_first else key

    best = {0: ((0, 0, 0), None)}
    for c in sorted(cands, key=lambda c: (c.end, c.start)):
        if c.start not in best or (not c.final and gap(c) > cap + 1e-9):
            continue
        k = best[c.start][0]
        f = fault(c, orphans_ok, keeps_ok) + EMERGENCY * emergency(c)
        key = (k[0] + f, k[1] + spaced(c), k[2] + loose(c))
        if c.end not in best or order(key) < order(best[c.end][0]):
            best[c.end] = (key, c)
    if n not in best:
        return None, []
    key, path, j = best[n][0], [], n
    while j:
        c = best[j][1]
        path.append(c)
        j = c.start
    return key, path[::-1]


def cheapest(cands, n) -> float:
    """The least total of the breaker's own prices (``Candidate.cost``) over every sequence
    of candidate lines: what ``compose_paragraph`` should find."""
    best = {0: 0.0}
    for c in sorted(cands, key=lambda c: (c.end, c.start)):
        if c.start in best:
            v = best[c.start] + c.cost
            if v < best.get(c.end, INF):
                best[c.end] = v
    return best.get(n, INF)


def dominates(a, b) -> bool:
    """Is (faults, spaced, loose) ``a`` no worse than ``b`` in every count and better in one?"""
    return all(x <= y for x, y in zip(a, b)) and a != b


def composer(text, face, measure, settings, cands):
    """The composer's own choice for the paragraph, counted as :func:`floor` counts (each of
    its lines is one of the candidates, set the same way; ``odd`` counts those that are not);
    and the widest gap it opens."""
    lines = compose_paragraph(text, face, measure, settings)
    by_span = {(c.start, c.end, c.hang > 0): c for c in cands}
    at, faults, nspaced, nloose, odd, widest, price = 0, 0, 0, 0, 0, 0.0, 0.0
    for ln in lines:
        end = at + len(ln.glyphs)
        c = by_span.get((at, end, ln.hang > 0)) or by_span.get((at, end, ln.hang <= 0))
        if c is None or c.final == ln.justified or abs(c.spacing - ln.spacing) > 1e-6 or \
                c.letterspaced != ln.letterspaced:
            odd += 1
        if c is not None:
            faults += fault(c) + EMERGENCY * emergency(c)
            price += c.cost
            nspaced += spaced(c)
            nloose += loose(c)
            if not c.final:
                widest = max(widest, gap(c))
        at = end
    nonfinal = sum(1 for ln in lines if ln.justified)
    return (faults, nspaced, nloose), nonfinal, lines, odd, widest, price


def add(total, key):
    return [a + b for a, b in zip(total, key)]


def run(name, paras, face, settings, measure, rules, cap=None):
    """One corpus at one measure.  ``cap``: the widest gap (em) a floor's line may open; None:
    per paragraph, the widest the composer opens in it, or 0.07 em if that is less — so that
    a floor below the composer is a choice of breaks better in a count and no looser
    anywhere.  The composer's own breaks are always among the choices (under every lifted
    rule too: each only permits more breaks), so no floor is above it."""
    zero = [0, 0, 0]
    row = dict(corpus=name, measure=measure, paras=len(paras), nonfinal=0, composer=zero,
               floors={r: zero for r in rules}, loose_floor=zero, any=zero, above=[], odd=0,
               forced_by={}, widest=0.0, missed=[], uncapped=0)
    for p in paras:
        cands = candidate_lines(p.text, face, measure, settings)
        ck, nonfinal, lines, odd, widest, price = composer(p.text, face, measure, settings,
                                                           cands)
        least = cheapest(cands, len(p.text))
        if price > least + 1e-6 * max(1.0, least):
            row["missed"].append((p.label, price, least))
        row["nonfinal"] += nonfinal
        row["odd"] += odd
        row["composer"] = add(row["composer"], ck)
        row["widest"] = max(row["widest"], widest)
        pcap = max(widest, cjk.EVEN_LOOSE) if cap is None else cap
        key, path = floor(cands, len(p.text), cap=pcap)
        if key is None:
            # a fixed cap no choice of breaks keeps: this paragraph's floor is taken at the
            # composer's widest gap instead (which its own breaks keep)
            row["uncapped"] += 1
            pcap = max(widest, cjk.EVEN_LOOSE)
            key, path = floor(cands, len(p.text), cap=pcap)
        lkey, lpath = floor(cands, len(p.text), cap=pcap, loose_first=True)
        row["floors"]["paper"] = add(row["floors"]["paper"], key)
        row["loose_floor"] = add(row["loose_floor"], lkey)
        row["any"] = add(row["any"], floor(cands, len(p.text))[0])
        for k, pth in ((key, path), (lkey, lpath)):
            if dominates(k, ck):
                row["above"].append((p.label, ck, k, lines, pth, p.text, price,
                                     sum(c.cost for c in pth)))
                break
        for r in rules[1:]:
            st, units, orph, keeps = variant(settings, r)
            rc = cands if st == settings and units else \
                candidate_lines(p.text, face, measure, st, keep_units=units)
            rkey, _ = floor(rc, len(p.text), orph, keeps, cap=pcap)
            row["floors"][r] = add(row["floors"][r], rkey)
            if rkey < key:
                row["forced_by"].setdefault(r, []).append(
                    (p.label, key[1] - rkey[1], key[2] - rkey[2]))
    return row


def faults(x: int) -> str:
    e, f = divmod(x, EMERGENCY)
    return f"{e}e+{f}" if e else str(f)


def show_lines(lines_or_path, text):
    out = []
    for x in lines_or_path:
        if hasattr(x, "glyphs"):
            out.append(x.text + ((" [letter]" if x.letterspaced else f" [{x.spacing:.3f}]")
                                 if x.justified and x.visibly_spaced else ""))
        else:
            out.append(text[x.start:x.end] + (f" [{gap(x):.3f}]" if not x.final
                                              and x.visibly_spaced else ""))
    return " | ".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--measures", default="8,12,16,20", help="column widths in characters")
    ap.add_argument("--corpus", default="sample,realcopy")
    ap.add_argument("--rules", default=",".join(RULES),
                    help="floors to compute: paper (the paper's rules) and each rule lifted")
    ap.add_argument("--cap", type=float, default=None,
                    help="the widest gap (em) a line of a floor may open (default: the widest "
                         "the composer opens in that corpus at that measure)")
    ap.add_argument("--list", type=int, default=10,
                    help="paragraphs above the floor to print per measure and corpus")
    a = ap.parse_args(argv)
    measures = [float(m) for m in a.measures.split(",") if m.strip()]
    rules = ["paper"] + [r for r in a.rules.split(",") if r.strip() and r != "paper"]
    for r in rules:
        if r not in RULES:
            ap.error(f"unknown rule {r!r}: one of {', '.join(RULES)}")
    corpora = [c.strip() for c in a.corpus.split(",") if c.strip()]
    t0 = time.perf_counter()
    sample, face, settings, sample_measure = sample_paragraphs()
    jobs = []
    if "sample" in corpora:
        for m in sorted(set(measures) | {sample_measure}):
            jobs.append(("sample", sample, m))
    if "realcopy" in corpora:
        real = corpus_paragraphs()
        jobs += [("realcopy", real, m) for m in measures]
    rows = [run(name, paras, face, settings, m, rules, a.cap) for name, paras, m in jobs]
    print(f"spaced (> 0.05 em a Han gap) / loose (> 0.07 em) non-final lines: the composer's "
          f"against the least any legal choice of breaks gives; paper level {settings.level}, "
          f"style {settings.style}; sample measure {sample_measure:g}")
    print("corpus    measure paras nonfinal  composer S/L   floor S/L   min-L any-S  " +
          "  ".join(f"{HEAD[r]:>7}" for r in rules[1:]) + "  faults c/f   above  widest")
    for row in rows:
        c, f = row["composer"], row["floors"]["paper"]
        nf = max(1, row["nonfinal"])
        tag = "*" if row["corpus"] == "sample" and row["measure"] == sample_measure else " "
        print(f"{row['corpus']:<9} {row['measure']:>5g}{tag} {row['paras']:>5} "
              f"{row['nonfinal']:>8} {c[1]:>4}/{c[2]:<3}{100 * c[1] / nf:>4.1f}% "
              f"{f[1]:>4}/{f[2]:<3}{100 * f[1] / nf:>4.1f}% {row['loose_floor'][2]:>5} "
              f"{row['any'][1]:>5}  " +
              "  ".join(f"{row['floors'][r][1]:>3}/{row['floors'][r][2]:<3}"
                        for r in rules[1:]) +
              f"  {faults(c[0]):>5}/{faults(f[0]):<5} {len(row['above']):>5}  {row['widest']:.3f}")
    print("S/L: spaced lines / of which loose.  floor: the fewest spaced lines any legal "
          "breaks give, then the fewest loose; min-L: the fewest loose lines; any-S: the fewest "
          "spaced lines if a line may be as loose as it likes.  No other floor's line opens its "
          "gaps wider than the composer's widest in that paragraph, or 0.07 em (--cap: a fixed "
          "cap); widest: the composer's widest.  The rule columns: the floor with that rule "
          "lifted.  % of the composer's non-final lines; * the sample page's own measure; "
          "faults: composer/floor ('2e+3': 2 emergency lines and 3 other faults)")
    uncapped = sum(r["uncapped"] for r in rows)
    if uncapped:
        print(f"{uncapped} paragraphs could not be set within --cap {a.cap:g} em by any breaks: "
              f"their floors are taken at the composer's widest gap")
    missed = sum(len(r["missed"]) for r in rows)
    print(f"\nparagraphs where the composer's breaks cost more, at its own prices, than the "
          f"cheapest legal breaks (its breaker missing its own optimum): {missed}")
    for r in rows:
        for lab, price, least in r["missed"][:a.list]:
            print(f"  {r['corpus']} at {r['measure']:g}: {lab} {price:.1f} > {least:.1f}")
    odd = sum(r["odd"] for r in rows)
    if odd:
        print(f"\n{odd} composed lines were not among the candidates (or counted otherwise)")
    for row in rows:
        if not row["above"] and not row["forced_by"] and not row["missed"]:
            continue
        print(f"\n{row['corpus']} at {row['measure']:g}:")
        for r, lst in row["forced_by"].items():
            print(f"  lifting {HEAD[r]} lowers the floor in {len(lst)} paragraphs "
                  f"(spaced −{sum(x[1] for x in lst)}, loose −{sum(x[2] for x in lst)}): " +
                  ", ".join(f"{lab}" for lab, _, _ in lst[:5]) + (" …" if len(lst) > 5 else ""))
        for lab, ck, key, lines, path, text, price, fprice in row["above"][:a.list]:
            print(f"  above the floor: {lab} composer (faults, spaced, loose) {ck}, floor {key}; "
                  f"the breaker's prices: {price:.0f} for its own breaks, {fprice:.0f} for the "
                  f"floor's")
            print(f"    composer: {show_lines(lines, text)}")
            print(f"    floor:    {show_lines(path, text)}")
    print(f"\n{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
