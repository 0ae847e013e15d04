#!/usr/bin/env python3
"""One-off check for issue #22's composer work: do two trees compose the same lines?

Usage (from the project folder)::

    python bench/compose_same.py SRC OUTFILE        # SRC: a tree's src folder
    cmp OLD_OUTFILE NEW_OUTFILE

Composes, with the ``typeset`` package under SRC, the stress corpus (tests/corpus/*.txt),
the real copy (tests/corpus/realcopy), and seeded random mixes of Han characters, marks,
Latin words, digits, URLs and spaces, at every measure from 8 to 20 em, with the paper's
defaults, with hanging, with each prohibition level and with the last line justified; also
each text's natural line and headline.  Writes one line per call: the SHA-1 of the repr of every field
of every Line and Glyph (floats as repr: the same bits), so two trees that compose alike
write the same file.  Not a test: it compares two versions of the code, which a test cannot keep.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(sys.argv[1]).resolve()))
sys.path.insert(0, str(ROOT / "tests"))


def texts() -> list[str]:
    from conftest import corpus_paragraphs

    out = list(corpus_paragraphs())
    for p in sorted((ROOT / "tests" / "corpus" / "realcopy").glob("*.txt")):
        out += [t.strip() for t in p.read_text(encoding="utf-8").split("\n") if t.strip()]
    rnd = random.Random(22)
    han = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    marks = "，。、；：？！（）《》“”‘’——……·-/%"
    words = ["iPhone", "CCTV", "GDP", "2020", "3.14", "15%", "OpenHarmony", "internationalization",
             "https://www.example.com/a/b?x=1&y=2", "user@example.cn", "0531-82886032",
             "2015-08-06", "05:04:32", "COVID-19", "5G", "A股", "No.1", "Wi-Fi", "km/h"]
    for n in range(400):
        parts = []
        for _ in range(rnd.randint(5, 60)):
            r = rnd.random()
            if r < 0.6:
                parts.append("".join(rnd.choice(han) for _ in range(rnd.randint(1, 8))))
            elif r < 0.8:
                parts.append(rnd.choice(marks))
            elif r < 0.95:
                parts.append(rnd.choice(words))
            else:
                parts.append(rnd.choice(" 年月日万亿公里元个　"))
        out.append("".join(parts).strip())
    return [t for t in out if t]


def dump(lines) -> str:
    def one(v):
        if dataclasses.is_dataclass(v):
            return "%s(%s)" % (type(v).__name__, ",".join(
                one(getattr(v, f.name)) for f in dataclasses.fields(v)))
        if isinstance(v, (list, tuple)):
            return "[%s]" % ",".join(map(one, v))
        return repr(v)
    return one(lines)


def main() -> int:
    from typeset.compose import Settings, compose_headline, compose_paragraph, natural_line
    from typeset.load import load_issue

    issue = load_issue(ROOT / "issues" / "sichuan-kejibao-2020-08")
    face = issue.fonts.face(issue.paper.body.role)
    settings = [Settings(), Settings(hanging=True), Settings(level="strict"),
                Settings(level="none"), Settings(level="basic", style="kaiming"),
                Settings(style="banjiao", hanging=True)]
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        def put(label, lines):
            out.write("%s %s\n" % (label, hashlib.sha1(dump(lines).encode()).hexdigest()))
        for k, t in enumerate(texts()):
            put(f"{k} natural", natural_line(t, face))
            put(f"{k} headline", compose_headline(t, face, 12.0))
            for m in range(8, 21):
                for q, s in enumerate(settings):
                    put(f"{k} {m} {q}", compose_paragraph(t, face, float(m), s))
                put(f"{k} {m} lastjust", compose_paragraph(t, face, float(m), indent=0.0,
                                                          last_justified=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
