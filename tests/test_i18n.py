"""Messages in Chinese (issue #17): with LANG=zh_CN.UTF-8 the fit report of `check`, the
errors of bad input, the --help of every command (click's own words too), click's usage errors
and the reports of makeup and preflight come out in Chinese, in English otherwise; the
catalogue shipped in the package is complete (click's messages and the commands' help included)
and compiled from its .po.

The machine the tests run on may have no Chinese locale installed (only C.UTF-8): the program
reads the language from the environment itself (typeset.i18n), so these tests do not need one.
"""

from __future__ import annotations

import ast
import gettext
import json
import os
import re
import shutil
import string
import subprocess
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import ROOT, SAMPLE, TYPESET
from typeset.helpformat import cells
from typeset.i18n import DOMAIN, LOCALEDIR, languages

PO = LOCALEDIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
# as `make messages` extracts (babel.cfg): the commands' docstrings of cli.py too, and click's
METHODS = [("cli.py", "typeset.i18n:extract"), ("**.py", "python")]
CLICK = str(Path(click.__file__).parent)
MO = PO.with_suffix(".mo")
SRC = ROOT / "src" / "typeset"


def run(args, lang: str, cwd: Path):
    """The program with LANG=lang and nothing else of the locale set (conftest pins LC_ALL)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env["LANG"] = lang
    return subprocess.run([*TYPESET, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


# --- which language ---------------------------------------------------------------------------

@pytest.mark.parametrize("env, want", [
    ({}, ()),
    ({"LANG": "C.UTF-8"}, ()),
    ({"LANG": "zh_CN.UTF-8"}, ("zh_CN.UTF-8",)),
    ({"LANG": "zh_CN.GB18030"}, ("zh_CN.GB18030",)),
    ({"LANG": "en_US.UTF-8"}, ()),
    # LC_ALL, then LC_MESSAGES, then LANG
    ({"LANG": "C.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, ("zh_CN.UTF-8",)),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, ()),
    ({"LANG": "C.UTF-8", "LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, ("zh_CN.UTF-8",)),
    # LANGUAGE first, except in the C locale (as GNU gettext)
    ({"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:en"}, ("zh_CN",)),
    ({"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, ()),
    ({"LANGUAGE": "zh_CN"}, ()),
    # English is the source language: a list naming it first gets English
    ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en:zh_CN"}, ()),
])
def test_language_is_read_with_gettexts_precedence(env, want):
    assert languages(env) == want


# --- the fit report in both languages ---------------------------------------------------------

@pytest.fixture(scope="module")
def unfit_issue(tmp_path_factory) -> Path:
    """The sample page with its first story twice as long (overset further down the column)
    and its last one cut to one paragraph (empty lines at the foot: warnings and levers)."""
    issue = tmp_path_factory.mktemp("i18n") / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    first = issue / "01-chuanyu-kepu.txt"
    head, body = first.read_text(encoding="utf-8").split("\n\n", 1)
    first.write_text(f"{head}\n\n{body.strip()}\n\n{body}", encoding="utf-8")
    last = issue / "08-pengzhou-tuiyi.txt"
    # (its header and one paragraph: with two, its headline band now takes the white up to
    # makeup's max_band and the columns reach the foot — flow._flow_page)
    last.write_text("\n\n".join(last.read_text(encoding="utf-8").split("\n\n")[:2]) + "\n",
                    encoding="utf-8")
    return issue


def _rows(out: str) -> list[list[str]]:
    """The table rows of the fit report: page, slot and the five counts (no hint)."""
    return [ln.split()[:7] for ln in out.splitlines() if re.match(r"\s+\d+ [a-z]\S* +\d", ln)]


def test_fit_report_in_english_and_chinese(unfit_issue):
    args = ["check", "--project", ROOT, unfit_issue.name]
    en = run(args, "C.UTF-8", unfit_issue.parent)
    zh = run(args, "zh_CN.UTF-8", unfit_issue.parent)
    # the exit code does not depend on the language
    assert en.returncode == zh.returncode == 4, en.stderr + zh.stderr
    # English: header, legend, hint, warning, overset error
    assert "page slot         avail  used        over short even  hint" in en.stdout
    assert "lines: available and used in the slot's columns" in en.stdout
    # the slot grew as far as the page let it (no `lines:`): more lines are not its to give
    assert re.search(r"cut about \d+ characters, or make room under the slot .*paiban makeup "
                     r"--page 3", en.stdout)
    assert "more grid line" not in en.stdout
    assert re.search(r"^warning: page 3: column \d is short", en.stderr, re.M)
    assert en.stderr.count("error: overset: text does not fit its slot") == 1
    assert not re.search(r"[\u4e00-\u9fff]", en.stderr.replace("待稿", "")), en.stderr
    # Chinese: the same report, in Chinese words
    assert "  版 版位          可用  已用        超出  缺行 疏排  建议" in zh.stdout
    assert "可用、已用：版位各栏可用和已用的行数；超出：排不下的行数（字数）" in zh.stdout
    assert re.search(r"删约 \d+ 字，或在版位下方腾出地方", zh.stdout)
    assert re.search(r"^警告：第3版：第\d栏缺行：第\d+–\d+行（\d+ 行）空着", zh.stderr, re.M)
    assert "错误：超版：文字排不进版位" in zh.stderr
    assert "补满的办法" in zh.stdout and "字距拉开的行" in zh.stdout
    for word in ("page slot", "cut about", "warning:", "error:", "line(s) over", "columns "):
        assert word not in zh.stdout + zh.stderr, word
    # the facts are the same: every row, and every slot named with its file, line and column
    assert _rows(en.stdout) == _rows(zh.stdout) and len(_rows(en.stdout)) == 9
    over_en = re.findall(r"issue\.yaml:(\d+):(\d+), slot '(\w+)': (\d+) line\(s\) over "
                         r"\((\d+) characters\)", en.stderr)
    over_zh = re.findall(r"issue\.yaml:(\d+):(\d+)，版位“(\w+)”：超出 (\d+) 行（(\d+) 字）",
                         zh.stderr)
    assert over_en and over_en == over_zh
    short_en = re.findall(r"column (\d) is short: lines (\d+)–(\d+)", en.stderr)
    short_zh = re.findall(r"第(\d)栏缺行：第(\d+)–(\d+)行", zh.stderr)
    assert short_en and short_en == short_zh


# --- a bad-input error in both languages ------------------------------------------------------

def test_bad_input_error_in_english_and_chinese(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    m = issue / "issue.yaml"
    text = m.read_text(encoding="utf-8")
    text = text.replace("date: 2020-08-04\n", "date: 2020-08-04\ncolour: red\n", 1)
    text = text.replace("article: 01-chuanyu-kepu.txt", "article: 01-missing.txt", 1)
    text = text.replace("        span: 3\n", "        span: three\n", 1)
    text = text.replace("paper: sichuan-kejibao\n", "paper: sichuan-kejibao\npager: x\n", 1)
    m.write_text(text, encoding="utf-8")
    args = ["check", "--project", ROOT, "issue"]
    en = run(args, "C.UTF-8", tmp_path)
    zh = run(args, "zh_CN.UTF-8", tmp_path)
    assert en.returncode == zh.returncode == 3, en.stderr + zh.stderr
    assert en.stdout == zh.stdout == ""
    e, z = en.stderr.splitlines(), zh.stderr.splitlines()
    assert len(e) == len(z) == 4, (e, z)
    assert e[0] == ("error: issue/issue.yaml:5:1: unknown key 'pager' (did you mean 'paper'?)")
    assert z[0] == "错误：issue/issue.yaml:5:1：未知的键“pager”（是不是“paper”？）"
    assert e[1].startswith("issue/issue.yaml:7:1: unknown key 'colour' (allowed: paper, date")
    assert z[1].startswith("issue/issue.yaml:7:1：未知的键“colour”（可用的键：paper, date")
    assert e[2] == ("issue/issue.yaml:16:9, slot 'banner': 'span': expected a whole number, "
                    "found text ('three')")
    assert z[2] == "issue/issue.yaml:16:9，版位“banner”：“span”：应是整数，实际是文字（'three'）"
    assert e[3] == ("issue/issue.yaml:19:9, slot 'chuanyu': article file '01-missing.txt' does "
                    "not exist")
    assert z[3] == "issue/issue.yaml:19:9，版位“chuanyu”：稿件文件“01-missing.txt”不存在"


def test_normalising_reasons_in_the_editors_language(tmp_path):
    """What the normaliser changed is told with its reason in the editor's language, in the
    summary and with -v; the JSON of `check --json` keeps the English text (data)."""
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    art = issue / "01-chuanyu-kepu.txt"
    lines = art.read_text(encoding="utf-8").split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith("本报讯"))
    lines[k] = "据统计 2020 年与2019 年 ～ 全 年" + lines[k]   # a Han–Latin space, a range
    art.write_text("\n".join(lines), encoding="utf-8")
    args = ["check", "--project", ROOT, "issue"]
    for verbose in ([], ["-v"]):
        en = run([args[0], *verbose, *args[1:]], "C.UTF-8", tmp_path)
        zh = run([args[0], *verbose, *args[1:]], "zh_CN.UTF-8", tmp_path)
        assert "(space between Chinese and Latin: the automatic ¼-em gap)" in en.stderr
        assert "（中西文之间的空格：由排版自动加四分之一字空）" in zh.stderr, zh.stderr
        assert "（表示范围的浪纹线两边不空）" in zh.stderr, zh.stderr
        assert "space between" not in zh.stderr and "wave dash" not in zh.stderr
    js = run(["check", "--json", "--project", ROOT, "issue"], "zh_CN.UTF-8", tmp_path)
    found = json.loads(js.stdout)["normalised"]
    assert any(c.endswith("(space between Chinese and Latin: the automatic ¼-em gap)")
               for c in found), found


def test_missing_manifest_in_chinese(tmp_path):
    (tmp_path / "empty").mkdir()
    for lang, want in (("C.UTF-8", "error: empty: no issue.yaml in the issue folder\n"),
                       ("zh_CN.UTF-8", "错误：empty：这一期的文件夹里没有 issue.yaml\n")):
        r = run(["check", "--project", ROOT, "empty"], lang, tmp_path)
        assert (r.returncode, r.stderr) == (3, want)


# --- the catalogue ----------------------------------------------------------------------------

def _fields(s: str) -> set[str]:
    return {f for _t, f, _s, _c in string.Formatter().parse(s) if f is not None}


def test_every_marked_message_is_translated_and_the_mo_is_current():
    """Every _("…") of the sources is in the .po with a translation that keeps its {fields}
    (a lost field would fail at run time), nothing else is there, and the shipped .mo holds
    exactly the .po's translations (`make messages` was run after the last edit)."""
    marked = {msg for _f, _l, msg, _c, _x in extract_from_dir(str(SRC), METHODS) if msg} | \
        {msg for _f, _l, msg, _c, _x in extract_from_dir(CLICK) if msg}
    with open(PO, "rb") as f:
        po = read_po(f)
    entries = {m.id: m for m in po if m.id}
    assert marked - set(entries) == set(), "not in the .po: run `make messages`"
    assert set(entries) - marked == set(), "in the .po but no longer marked: `make messages`"
    compiled = {}
    for mid, m in entries.items():
        if isinstance(mid, tuple):      # click's plurals: Chinese has one form (nplurals=1)
            assert m.string[0] and not m.fuzzy, f"untranslated: {mid!r}"
            assert _fields(m.string[0]) <= _fields(mid[0]) | _fields(mid[1]), mid
            compiled[(mid[0], 0)] = m.string[0]
            continue
        assert m.string and not m.fuzzy, f"untranslated: {mid!r}"
        assert _fields(m.string) == _fields(mid), f"fields differ: {mid!r} → {m.string!r}"
        compiled[mid] = m.string
    with open(MO, "rb") as f:
        mo = gettext.GNUTranslations(f)
    assert {k: v for k, v in mo._catalog.items() if k} == compiled, \
        "the .mo is stale: `make messages`"


def _shadowing(tree) -> list[int]:
    """Lines of the functions that assign ``_`` in their own scope and call ``_()``."""
    comps = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def own(node):          # the nodes of a function's own scope (comprehensions have theirs)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (*comps, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
                continue
            yield child
            yield from own(child)

    out = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nodes = list(own(fn))
            if any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                   for n in nodes) and \
                    any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
                        n.func.id == "_" for n in ast.walk(fn)):
                out.append(fn.lineno)
    return out


def test_no_function_shadows_the_translation_function():
    """`_` assigned in a function (`x, _ = …`) makes every `_("…")` there an
    UnboundLocalError; a comprehension's `_` is its own and harmless."""
    assert _shadowing(ast.parse("def f(x):\n    a, _ = x\n    return _('m')\n")) == [2 - 1]
    assert _shadowing(ast.parse("def f(x):\n    y = [a for a, _ in x]\n    return _('m')\n")) \
        == []
    bad = [f"{p.name}:{n}" for p in sorted(SRC.glob("*.py"))
           for n in _shadowing(ast.parse(p.read_text(encoding="utf-8")))]
    assert bad == []


# --- the command line: --help, click's words, the reports of makeup and preflight --------------

HAN = re.compile(r"[\u4e00-\u9fff]")
# three English words in a row, the second and third in lower case: a sentence, not an option
# name, a metavar (ISSUE_DIR, INTEGER RANGE), a path or a value
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+[ ,]+[a-z]{2,}[ ,]+[a-z]{2,}\b")


def _english(text: str) -> list[str]:
    """The English phrases of ``text``, leaving out what is typed, not read: `commands` in
    backticks, `paiban …` command lines and option names."""
    text = re.sub(r"`[^`]*`", "", text)
    text = "\n".join(ln for ln in text.splitlines()
                     if not ln.strip().startswith(("paiban ", "用法:", "Usage:")))
    return ENGLISH.findall(re.sub(r"--?[\w-]+", "", text))


def _commands() -> list[list[str]]:
    from typeset.cli import main
    return [[]] + [[name] for name in sorted(main.commands)]


def test_help_of_every_command_in_chinese_and_english(tmp_path):
    """Each command's --help (its text, every option's, click's "Usage:", "Options:", "Show
    this message and exit.") has no English sentence under a Chinese locale; in English it
    is the docstring and option help as written."""
    from typeset.cli import main
    cmds = _commands()
    assert len(cmds) > 10
    for args in cmds:
        zh = run([*args, "--help"], "zh_CN.UTF-8", tmp_path)
        en = run([*args, "--help"], "C.UTF-8", tmp_path)
        assert zh.returncode == en.returncode == 0, (args, zh.stderr, en.stderr)
        assert _english(zh.stdout) == [], (args, _english(zh.stdout))
        assert zh.stdout.startswith("用法:") and "显示本帮助后退出。" in zh.stdout, args
        assert "选项:" in zh.stdout, args
        # most lines are Chinese (the others: option names with their metavars, examples)
        lines = [ln for ln in zh.stdout.splitlines() if ln.strip()]
        assert sum(bool(HAN.search(ln)) for ln in lines) >= 0.6 * len(lines), (args, zh.stdout)
        # laid out for Chinese: wrapped within click's 80 columns, a Han character two cells
        # (click alone broke lines at spaces only: a paragraph ran on as one line)
        wide = [ln for ln in lines if HAN.search(ln) and cells(ln) > 80]
        assert wide == [], (args, wide)
        # English: the source text, click's own words
        assert en.stdout.startswith("Usage:") and "Show this message and exit." in en.stdout
        cmd = main.commands[args[0]] if args else main
        first = (cmd.help or "").split("\n")[0]
        assert first and first[:40] in en.stdout, (args, first)
        for p in cmd.params:
            if isinstance(p, click.Option) and p.help and not p.hidden:
                words = p.help.split()[:4]
                assert re.search(r"\s+".join(map(re.escape, words)), en.stdout), (args, p.help)
    # the list of commands in Chinese: each one's first sentence, not click's cut ("…")
    zh = run(["--help"], "zh_CN.UTF-8", tmp_path).stdout
    assert "命令:" in zh and "build      出 ISSUE_DIR 的 PDF：每版一个 PDF，全期一个 PDF\n" in zh


def test_usage_error_in_chinese_and_english(tmp_path):
    zh = run(["build", "--nope", "x"], "zh_CN.UTF-8", tmp_path)
    en = run(["build", "--nope", "x"], "C.UTF-8", tmp_path)
    assert zh.returncode == en.returncode == 2
    assert en.stderr == ("Usage: paiban build [OPTIONS] ISSUE_DIR\n"
                         "Try 'paiban build --help' for help.\n\n"
                         "Error: No such option '--nope'.\n").replace("paiban", _prog(en))
    assert zh.stderr == ("用法: paiban build [OPTIONS] ISSUE_DIR\n"
                         "用“paiban build --help”查看帮助。\n\n"
                         "错误：没有选项 '--nope'。\n").replace("paiban", _prog(zh))
    # ours, raised as click's usage error
    zh = run(["archive", "verify", "a", "b"], "zh_CN.UTF-8", tmp_path)
    assert zh.returncode == 2 and "错误：“verify”后最多给一个归档文件夹" in zh.stderr, zh.stderr


def _prog(r) -> str:
    """The program's name in click's usage line ("python -m typeset" as the tests run it)."""
    return re.search(r"^(?:Usage|用法): (.+?) build ", r.stderr, re.M).group(1)


def test_makeup_report_in_chinese_and_english(tmp_path):
    """The proposals of `makeup`: the same facts in both languages, the newsroom's words in
    Chinese; the JSON is the same in both (its keys and values are an interface)."""
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    args = ["makeup", "--project", ROOT, "issue", "--page", "3", "-n", "2", "--no-proofs"]
    en = run(args, "C.UTF-8", tmp_path)
    zh = run(args, "zh_CN.UTF-8", tmp_path)
    assert en.returncode == zh.returncode == 0, en.stderr + zh.stderr
    head_en = re.findall(r"^page (\d+), proposal (\d+): score ([\d.]+) \((.*)\)$", en.stdout,
                         re.M)
    head_zh = re.findall(r"^第(\d+)版，方案 (\d+)：得分 ([\d.]+)（(.*)）$", zh.stdout, re.M)
    assert len(head_en) == 2 and [h[:3] for h in head_en] == [h[:3] for h in head_zh]
    # the terms: keys in English, the newsroom's words in Chinese, the same numbers
    terms_en = [re.findall(r"(\w+) ([\d.]+)", h[3]) for h in head_en]
    terms_zh = [[t.split(" ") for t in h[3].split("，")] for h in head_zh]
    assert [[v for _k, v in t] for t in terms_en] == [[v for _k, v in t] for t in terms_zh]
    assert all(k in ("white", "shallow_legs", "groups", "bumped", "small_heads", "tiers",
                     "deep_legs", "tall_white", "rank_inversions", "width_inversions",
                     "art_low", "side_heads", "side_under_text", "l_shapes")
               for t in terms_en for k, _v in t)
    assert all(HAN.fullmatch(k[0]) for t in terms_zh for k, _v in t), terms_zh
    block_en = re.findall(r"^  (\S+) +(article|banner|picture|reserve) +columns (\d+)–(\d+), "
                          r"lines (\d+)–(\d+)(?:, headline (\S+) in (\d+) lines)?$",
                          en.stdout, re.M)
    block_zh = re.findall(r"^  (\S+) +(稿件|通栏|图片|预留) +第(\d+)–(\d+)栏，"
                          r"第(\d+)–(\d+)行(?:，标题 (\S+) 占 (\d+) 行)?$", zh.stdout, re.M)
    kinds = {"article": "稿件", "banner": "通栏", "picture": "图片", "reserve": "预留"}
    assert len(block_en) >= 10
    assert [(b[0], kinds[b[1]], *b[2:]) for b in block_en] == block_zh
    # every line is one of those, or a file written
    for out, n in ((en.stdout, len(head_en) + len(block_en)),
                   (zh.stdout, len(head_zh) + len(block_zh))):
        assert len([ln for ln in out.splitlines() if not ln.endswith(".yaml")]) == n, out
    # JSON: one interface whatever the language
    js = [json.loads(run([*args, "--json"], lang, tmp_path).stdout)
          for lang in ("C.UTF-8", "zh_CN.UTF-8")]
    for j in js:
        for pg in j["pages"]:
            pg.pop("seconds")           # the time taken
    assert js[0] == js[1] and js[0]["pages"][0]["proposals"][0]["terms"]
    assert not HAN.search(json.dumps(js[0]))


def test_preflight_report_in_chinese_and_english(sample_build, tmp_path):
    pdf = str(sample_build.page_pdfs[0])
    args = ["preflight", "--project", ROOT, "--issue", SAMPLE, "--pdfx", "x-1a", pdf]
    en = run(args, "C.UTF-8", tmp_path)
    zh = run(args, "zh_CN.UTF-8", tmp_path)
    assert en.returncode == zh.returncode == 5, en.stderr + zh.stderr
    m_en = re.fullmatch(r"FAIL (\S+): 1 error\(s\), 0 warning\(s\) \(PDF/X-4, 1 page\(s\), "
                        r"(\d+) font\(s\), output intent ([^,]+), bleed ([\d.]+) mm, "
                        r"(\d+) of (\d+) article\(s\) read back as the manifest says\)\n"
                        r"  error   (the file is PDF/X-4, .*)\n", en.stdout)
    m_zh = re.fullmatch(r"不合格 (\S+)：1 个错误，0 个警告（PDF/X-4，1 版，(\d+) 种字体，"
                        r"输出意图 ([^，]+)，出血 ([\d.]+) mm，"
                        r"(\d+) 篇稿件中 (\d+) 篇读回与版面清单一致）\n"
                        r"  错误    (the file is PDF/X-4, .*)\n", zh.stdout)
    assert m_en and m_zh, en.stdout + zh.stdout
    # the same facts; the finding's message is English in both for now (it is also the
    # JSON's "message")
    assert m_en.groups()[:4] == m_zh.groups()[:4] and m_en.group(7) == m_zh.group(7)
    assert (m_en.group(5), m_en.group(6)) == (m_zh.group(6), m_zh.group(5))
    assert en.stderr == "error: 1 of 1 file(s) failed preflight\n"
    assert zh.stderr == "错误：1 个文件中有 1 个预检不合格\n"
    js = [run([*args, "--json"], lang, tmp_path) for lang in ("C.UTF-8", "zh_CN.UTF-8")]
    assert js[0].stdout == js[1].stdout and js[0].stdout.startswith("{")


def test_init_new_and_search_speak_the_editors_language(tmp_path):
    """The reports of `init`, `new` and `archive search` come out in Chinese under a Chinese
    locale (they were left in English), and in English otherwise."""
    zh = run(["init", str(tmp_path / "p")], "zh_CN.UTF-8", tmp_path)
    assert zh.returncode == 0, zh.stderr
    assert "新项目" in zh.stdout and "第一期：" in zh.stdout and "下一步：" in zh.stdout
    assert "next:" not in zh.stdout and "first issue" not in zh.stdout
    first = next((tmp_path / "p" / "issues").iterdir())
    nxt = run(["new", str(first.parent / "next"), "--previous", str(first)], "zh_CN.UTF-8",
              tmp_path / "p")
    assert nxt.returncode == 0, nxt.stderr
    assert "新一期" in nxt.stdout and "待填稿件" in nxt.stdout, nxt.stdout
    stored = run(["archive", str(SAMPLE), "--archive", str(tmp_path / "arc")], "C.UTF-8",
                 ROOT)
    assert stored.returncode == 0, stored.stderr
    miss = run(["search", "没有这句话的文字", "--archive", str(tmp_path / "arc")],
               "zh_CN.UTF-8", ROOT)
    en = run(["search", "没有这句话的文字", "--archive", str(tmp_path / "arc")], "C.UTF-8", ROOT)
    assert miss.returncode == 0 and en.returncode == 0, miss.stderr + en.stderr
    assert miss.stdout.strip() == "没有找到" and en.stdout.strip() == "no match"
    en = run(["init", str(tmp_path / "q")], "C.UTF-8", tmp_path)
    assert "new project" in en.stdout and "next: cd" in en.stdout


def test_archive_problems_in_the_archivists_language(tmp_path):
    """`archive verify` and the archive's errors (not an archive, a changed file) in
    Chinese under a Chinese locale, in English otherwise; the same exit code."""
    a = tmp_path / "archive"
    r = run(["archive", str(SAMPLE), "--to", str(a)], "C.UTF-8", tmp_path)
    assert r.returncode == 0, r.stderr
    pdf = next((a / "records").glob("*/v1/pdf/*-p03.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    en = run(["archive", "verify", str(a)], "C.UTF-8", tmp_path)
    zh = run(["archive", "verify", str(a)], "zh_CN.UTF-8", tmp_path)
    assert en.returncode == zh.returncode == 6
    assert f"{pdf.name}: changed (SHA-256 differs)" in en.stderr
    assert f"{pdf.name}：已被改动（SHA-256 不符）" in zh.stderr, zh.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    en = run(["archive", "verify", str(empty)], "C.UTF-8", tmp_path)
    zh = run(["archive", "verify", str(empty)], "zh_CN.UTF-8", tmp_path)
    assert en.returncode == zh.returncode == 6
    assert "not an archive (no catalog.sqlite, archive.yaml or records/)" in en.stderr
    assert "不是档案库（没有 catalog.sqlite、archive.yaml 或 records/）" in zh.stderr
