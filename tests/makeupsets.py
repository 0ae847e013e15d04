"""Random article sets from the real-copy corpus on the sample papers' pages, made up by
`typeset makeup` and checked from the built PDF: shared by tests/test_makeup.py (a small
sample in CI) and bench/makeup_bench.py (the 200-set run).  See the bench's docstring for
what a set is and how its size is counted.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "realcopy"
PICTURES = ROOT / "issues" / "demo-weekly-2020-08" / "pictures"
TYPESET = [sys.executable, "-m", "typeset"]
PAPERS = (("sichuan-kejibao", "difang-dongtai"), ("typeset-demo", "yaowen"))
BANNERS = ("唱好双城记 建设经济圈", "科技赋能 乡村振兴", "防灾减灾 守护平安", "聚焦两会")
CAPTIONS = ("图为活动现场。（本报记者 摄）", "图为示意图。（本报制图）",
            "图为相关资料照片。（资料图）")


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


# --- sizes ------------------------------------------------------------------------------------

def write_issue(folder: Path, paper: str, template: str, slots: list[dict], files) -> None:
    """An issue folder: the articles (and pictures) copied, the manifest with ``slots``."""
    folder.mkdir(parents=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    out = [f"paper: {paper}", "date: 2020-08-04", "pages:", "  - page: 1",
           f"    template: {template}", "    slots:"]
    for s in slots:
        first = True
        for k, v in s.items():
            out.append(("      - " if first else "        ") + f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, str) else v}")
            first = False
    (folder / "issue.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")


def band_for(least: int, measure: str) -> float:
    """The headline band a size counts: the least (``tight``) or the middle of the range
    makeup may give it (``mid``)."""
    from typeset import makeup as M

    return least if measure == "tight" else (least + M.max_band(least)) / 2.0


def measure_pool(work: Path, paper: str, template: str, pictures: list[Path],
                 measure: str = "mid") -> dict:
    """Every corpus article's, every picture's and every banner's size on this paper (see the
    module docstring), and the page's capacity."""
    from typeset import flow as F
    from typeset import makeup as M
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    folder = work / f"pool-{paper}"
    files = corpus_files()
    # every article as a "second" story (the standard headline style) under a lead of its
    # own (a copy of the first file), every picture alone, one banner
    lead = work / f"lead-{paper}.txt"
    shutil.copy(files[0], lead)
    slots = [dict(id="lead", article=lead.name, priority="lead")]
    slots += [dict(id=f"a{k}", article=f.name, priority="second") for k, f in enumerate(files)]
    slots += [dict(id=f"p{k}", image=f"pictures/{p.name}", caption=CAPTIONS[0])
              for k, p in enumerate(pictures)]
    slots.append(dict(id="banner", banner=BANNERS[0]))
    write_issue(folder, paper, template, slots, files + [lead])
    (folder / "pictures").mkdir()
    for p in pictures:
        shutil.copy(p, folder / "pictures" / p.name)
    issue = load_issue(folder, unplaced=True)
    issue, _ = normalise_issue(issue)
    bodies = F.compose_bodies(issue, 2)
    page = issue.pages[0]
    pin = M.measure_page(issue, page, bodies)
    top, bottom = F.type_area(issue, page)
    sizes = {}
    for st in pin.stories:
        if st.id == "lead":
            continue
        best = None
        for w, fits in st.heads.items():
            legs = math.ceil(st.body / w)
            band = band_for(fits[0].min_band, measure)
            if w > 1 and legs < M.MIN_LEG or band + legs > bottom - top:
                continue
            a = w * (band + legs)
            best = a if best is None else min(best, a)
        sizes[st.article + ".txt"] = best
    pics = {p.id: min(w * v for w, v in p.lines.items()) for p in pin.pictures}
    banner = min(w * v for w, v in pin.banner.lines.items())
    return dict(sizes=sizes, pictures={pictures[int(k[1:])].name: v for k, v in pics.items()},
                banner=banner, capacity=pin.columns * (bottom - top), columns=pin.columns,
                top=top, bottom=bottom)


# --- sets ------------------------------------------------------------------------------------

def draw_set(rng: random.Random, pool: dict, pictures: list[Path]) -> dict | None:
    """One random set (see the module docstring), or None if none of its shape fits."""
    cap = pool["capacity"]
    target = rng.uniform(0.80, 1.00)
    k = rng.randint(3, 12)
    with_pic = rng.random() < 0.5
    with_banner = rng.random() < 0.5
    pic = rng.choice(pictures) if with_pic else None
    fixed = (pool["pictures"][pic.name] if pic else 0) + (pool["banner"] if with_banner else 0)
    names = [n for n, v in pool["sizes"].items() if v is not None]
    for kk in [k] + sorted(range(3, 13), key=lambda x: abs(x - k)):
        want = target * cap - fixed
        for _ in range(30):
            chosen = rng.sample(names, kk)
            total = sum(pool["sizes"][n] for n in chosen)
            for _ in range(400):
                if abs(total - want) <= 0.01 * cap:
                    break
                out = rng.randrange(kk)
                cand = rng.choice([n for n in names if n not in chosen])
                new = total - pool["sizes"][chosen[out]] + pool["sizes"][cand]
                if abs(new - want) < abs(total - want):
                    chosen[out], total = cand, new
            if abs(total - want) <= 0.01 * cap and want > 0:
                return dict(articles=chosen, picture=pic.name if pic else None,
                            banner=rng.choice(BANNERS) if with_banner else None,
                            fill=(total + fixed) / cap, asked=target)
    return None


def set_slots(rng: random.Random, s: dict, sizes: dict) -> list[dict]:
    """The page's slots: the lead the longest story of the set (as an editor would most
    often choose), up to two second stories, one time in three a brief, the rest normal."""
    arts = list(s["articles"])
    slots = []
    lead = max(range(len(arts)), key=lambda i: sizes[arts[i]])
    seconds = set(rng.sample([i for i in range(len(arts)) if i != lead],
                             min(rng.randint(0, 2), len(arts) - 1)))
    brief = None
    if rng.random() < 1 / 3 and len(arts) > 3:
        brief = rng.choice([i for i in range(len(arts)) if i != lead and i not in seconds])
    if s["banner"]:
        slots.append(dict(id="banner", banner=s["banner"]))
    for i, a in enumerate(arts):
        pr = "lead" if i == lead else "second" if i in seconds else \
            "brief" if i == brief else "normal"
        slots.append(dict(id=f"s{i + 1}", article=a, priority=pr))
    if s["picture"]:
        story = f"s{rng.randrange(len(arts)) + 1}"
        slots.append(dict(id="photo", image=f"pictures/{s['picture']}",
                          caption=rng.choice(CAPTIONS), story=story))
    return slots


def run_set(args) -> dict:
    """Make up, build and read back one set; the record of what happened."""
    index, paper, template, s, slots, folder, pictures = args
    from pagecheck import kinsoku, off_grid, read_page, short_columns, tombstones
    from typeset import makeup as M

    folder = Path(folder)
    files = [CORPUS / a for a in s["articles"]]
    write_issue(folder, paper, template, slots, files)
    if s["picture"]:
        (folder / "pictures").mkdir()
        shutil.copy(Path(pictures) / s["picture"], folder / "pictures" / s["picture"])
    rec = dict(index=index, paper=paper, articles=len(s["articles"]), fill=round(s["fill"], 3),
               picture=bool(s["picture"]), banner=bool(s["banner"]))
    c0, t0 = time.process_time(), time.perf_counter()
    try:
        res = M.make_up_issue(folder, jobs=1)
    except Exception as e:  # noqa: BLE001 - recorded
        rec.update(ok=False, stage="makeup", reason=f"{type(e).__name__}: {e}")
        return rec
    rec.update(cpu=round(time.process_time() - c0, 3), wall=round(time.perf_counter() - t0, 3))
    r = res.pages[0]
    if not r.proposals:
        rec.update(ok=False, stage="makeup", reason=r.error)
        return rec
    p = r.proposals[0]
    rec.update(score=round(p.score, 2), terms=p.terms, tiers=p.tiers)
    page = res.issue.pages[0]
    if any(res.issue.articles[s.article].placeholder for s in page.slots if s.article):
        # the copy alone did not fill the page: makeup kept a 待稿 brief (not built)
        rec.update(ok=False, stage="brief", reason=p.notes[0][:600])
        return rec
    text = M.manifest_text(res.issue, {1: M.proposal_slots(page, p)})
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    out = folder / "out"
    b = subprocess.run([*TYPESET, "build", str(folder), "-o", str(out), "-j", "1", "-q"],
                       capture_output=True, text=True, cwd=ROOT)
    if b.returncode != 0:
        rec.update(ok=False, stage="build", reason=b.stderr.strip()[-600:])
        return rec
    pdf = next(out.glob("*-p01.pdf"))
    issue = res.issue
    got = read_page(pdf, issue.paper, r.page_in.top, r.page_in.bottom)
    problems = dict(short=short_columns(got["lowest"], r.page_in.bottom),
                    tombstones=tombstones(got["heads"]),
                    off_grid=off_grid(got["body"], issue.paper.pitch),
                    kinsoku=kinsoku(got["body"], [q.text for a in issue.articles.values()
                                                   for q in a.paragraphs],
                                    issue.paper.settings.level))
    bad = {k: v for k, v in problems.items() if v}
    rec.update(ok=not bad, stage="readback" if bad else "", reason=str(bad)[:600] if bad else "")
    return rec


def make_pictures(folder: Path) -> list[Path]:
    """The demo issue's two drawings and a portrait one made here (aspect ratios 1.62, 2.0
    and 0.75)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for p in sorted(PICTURES.glob("*.png")):
        shutil.copy(p, folder / p.name)
        out.append(folder / p.name)
    im = Image.new("RGB", (1200, 1600), (235, 240, 245))
    d = ImageDraw.Draw(im)
    for k in range(0, 1600, 80):
        d.rectangle([100, k, 1100, k + 40], fill=(180, 190, 200))
    im.save(folder / "portrait.png")
    out.append(folder / "portrait.png")
    return out




def make_sets(work: Path, n: int, seed: int, measure: str = "mid") -> list[tuple]:
    """``n`` sets (alternating the two papers), each the arguments of :func:`run_set`."""
    pictures = make_pictures(work / "pictures")
    pools = {paper: measure_pool(work, paper, tpl, pictures, measure) for paper, tpl in PAPERS}
    rng = random.Random(seed)
    jobs = []
    for i in range(n):
        paper, tpl = PAPERS[i % 2]
        s = None
        while s is None:
            s = draw_set(rng, pools[paper], pictures)
        jobs.append((i, paper, tpl, s, set_slots(rng, s, pools[paper]["sizes"]),
                     str(work / f"set-{i:03d}"), str(work / "pictures")))
    return jobs
