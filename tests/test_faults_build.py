"""Trust under faults and attack (issue #14), the build side: values mean what they say, the
output folder switches from one whole set to the next (also when a build is killed or the
disk is full), ``watch`` sees what it must and ignores its own outputs, ``check --json`` always
answers in JSON, and ``serve`` lets nobody in and stays up under hostile requests.

The heavy loops (many kills, long bursts) run a bounded number of times here; scripts/faults.py
runs the same checks with a larger budget.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET, pdftotext_raw, squash

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def run(*args, env=None, cwd=ROOT, timeout=180):
    e = dict(os.environ, **(env or {}))
    e.pop("TYPESET_PROJECT", None)
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=timeout)


def copy_issue(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("out"))
    return dst


def no_traceback(r) -> None:
    assert "Traceback" not in r.stderr, r.stderr


# --- YAML means what it says ---------------------------------------------------------------

def test_numbers_where_text_is_expected_keep_their_written_form(tmp_path):
    """``number: 0012`` reaches the running head as 0012 (YAML 1.1 read it as octal 10),
    a banner ``12:30`` stays 12:30 (not 750) and an editor ``2020.10`` stays 2020.10."""
    issue = copy_issue(SAMPLE, tmp_path / "issue")
    m = issue / "issue.yaml"
    text = m.read_text(encoding="utf-8")
    text = text.replace("date: 2020-08-04\n", "date: 2020-08-04\nnumber: 0012\neditor: 2020.10\n")
    text = text.replace("banner: 唱好双城记 建设经济圈", "banner: 12:30")
    m.write_text(text, encoding="utf-8")
    r = run("build", issue, "-o", tmp_path / "out", "-q")
    assert r.returncode == 0, r.stderr
    pdf = next(p for p in (tmp_path / "out").glob("*-p03.pdf"))
    got = squash(pdftotext_raw(pdf))
    assert "0012" in got and "2020.10" in got and "12:30" in got, got[:300]
    assert "750" not in got


# --- check --json always answers in JSON ---------------------------------------------------

def check_json(issue) -> tuple[int, dict]:
    r = run("check", issue, "--json")
    no_traceback(r)
    try:
        doc = json.loads(r.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"check --json printed no JSON (exit {r.returncode}): {r.stdout!r} "
                    f"{r.stderr[-300:]}")
    assert doc["exit_code"] == r.returncode
    assert doc["ok"] == (r.returncode == 0)
    return r.returncode, doc


def test_check_json_reports_bad_input_as_json(tmp_path):
    issue = copy_issue(SAMPLE, tmp_path / "issue")
    m = issue / "issue.yaml"
    good = m.read_text(encoding="utf-8")
    # a YAML error: file, line and column
    m.write_text(good.replace("        span: 3\n        lines: 4\n",
                              "        span: 3\n        lines: [4\n"), encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 3 and len(doc["errors"]) == 1
    e = doc["errors"][0]
    assert e["file"].endswith("issue.yaml") and e["line"] and e["column"] and e["exit_code"] == 3
    # two bad slots: every error, each with its slot
    m.write_text(good.replace("        column: 4\n", "        colum: 4\n", 1)
                 .replace("      - id: butuo\n", "      - id: butuo\n        box: maybe\n"),
                 encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 3 and len(doc["errors"]) >= 2
    assert {e["slot"] for e in doc["errors"]} >= {"butuo"}
    assert all(e["file"].endswith("issue.yaml") and e["line"] for e in doc["errors"])
    # overset: exit 4, the slot named, the slots listed
    m.write_text(good.replace("        article: 04-butuo-fupin.txt\n",
                              "        article: 04-butuo-fupin.txt\n        lines: 12\n"),
                 encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 4 and [e["slot"] for e in doc["errors"]] == ["butuo"]
    assert doc["errors"][0]["file"].endswith("issue.yaml") and doc["errors"][0]["line"]
    assert any(s["slot"] == "butuo" and s["overset_lines"] for s in doc["slots"])
    # a folder that is not there: exit 2, still JSON
    code, doc = check_json(tmp_path / "nothing-here")
    assert code == 2 and doc["errors"][0]["message"]
    # and all well: exit 0, no errors
    m.write_text(good, encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 0 and doc["errors"] == [] and doc["slots"]


# --- watch sees what it must and ignores its own outputs ------------------------------------

def _watch_for(w, seconds: float) -> list:
    """Run a Watcher for ``seconds`` and return its rebuilds."""
    import threading
    import time

    seen = []
    t = threading.Thread(target=w.run, kwargs=dict(on_rebuild=seen.append), daemon=True)
    t.start()
    time.sleep(seconds)
    w.stop()
    t.join(timeout=60)
    assert not t.is_alive()
    return seen


def test_watch_sees_an_issue_under_a_folder_named_out(tmp_path, monkeypatch):
    from typeset.live import Watcher

    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    issue = copy_issue(SAMPLE, tmp_path / "out" / "issue")
    w = Watcher(issue, tmp_path / "pdfs")
    assert w.changes()                      # the first look sees every file
    art = issue / "04-butuo-fupin.txt"
    art.write_text(art.read_text(encoding="utf-8").replace("本报讯", "本报讯 ", 1),
                   encoding="utf-8")
    assert w.changes() == {art}


def test_watch_ignores_its_own_outputs_inside_the_issue(tmp_path, monkeypatch):
    """``-o`` a folder inside the issue (and the outputs' own folder named otherwise than
    'out'): one rebuild, not one after another for ever."""
    from typeset.live import Watcher

    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    issue = copy_issue(SAMPLE, tmp_path / "issue")
    w = Watcher(issue, issue / "build")
    rebuilds = _watch_for(w, 4.0)
    assert rebuilds and rebuilds[0].ok, rebuilds and rebuilds[0].error
    assert list((issue / "build").glob("*.pdf"))
    assert len(rebuilds) == 1, [r.touched for r in rebuilds]
    # and -o the issue folder itself: the PDFs beside the manifest are not inputs either
    w = Watcher(issue, issue)
    rebuilds = _watch_for(w, 4.0)
    assert len(rebuilds) == 1 and rebuilds[0].ok, [r.error for r in rebuilds]


# --- serve lets nobody in and stays up ----------------------------------------------------

def test_a_busy_port_is_one_line_and_exit_74(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        for cmd in (("serve", SAMPLE, "-p", port), ("watch", SAMPLE, "-o", tmp_path / "o",
                                                     "--serve", port)):
            r = run(*cmd, timeout=60)
            assert r.returncode == 74, (cmd[0], r.returncode, r.stderr)
            no_traceback(r)
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: ") and str(port) in lines[0]
            assert not (tmp_path / "o").exists()        # refused before building anything
    for host, says in (("0.0.0.0", "every address"), ("nosuch.invalid", "not known"),
                       ("192.0.2.1", "not one of this machine's")):
        r = run("serve", SAMPLE, "--host", host, timeout=60)
        assert r.returncode == 2 and says in r.stderr, (host, r.stderr)
        no_traceback(r)
        assert len(r.stderr.strip().splitlines()) == 1


class Served:
    """``typeset serve`` on a free loopback port, for the length of a test."""

    def __init__(self, issue: Path, tmp_path: Path):
        import re
        import time

        env = dict(os.environ, TYPESET_PROJECT=str(ROOT), PYTHONUNBUFFERED="1")
        self.err = open(tmp_path / "serve.err", "w+")
        import socket

        with socket.socket() as s:          # a free port (-p 0 would also do, and print it)
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.proc = subprocess.Popen([*TYPESET, "serve", str(issue), "-p", str(port),
                                      "-o", str(tmp_path / "served")], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=self.err, text=True)
        try:
            line = self.proc.stdout.readline()
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert m, (line, self.stderr())
            self.port = int(m.group(1))
            end = time.monotonic() + 90
            while self.state().get("generation", 0) < 1:     # the first build is done
                assert time.monotonic() < end and self.proc.poll() is None, self.stderr()
                time.sleep(0.3)
        except BaseException:
            self.close()        # a fixture that fails here gets no teardown: stop it now
            raise

    def stderr(self) -> str:
        self.err.flush()
        self.err.seek(0)
        return self.err.read()

    def raw(self, data: bytes, timeout: float = 15) -> bytes:
        """Send ``data`` as it is and return the whole answer (b"" if the server hung up
        without one)."""
        import socket

        out = b""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            try:
                s.sendall(data)
                while chunk := s.recv(65536):
                    out += chunk
            except (ConnectionResetError, BrokenPipeError):
                pass
        return out

    def get(self, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
        host = f"127.0.0.1:{self.port}" if host is None else host
        head = f"{method} {path} HTTP/1.0\r\n" + (f"Host: {host}\r\n" if host else "") + "\r\n"
        ans = self.raw(head.encode("latin-1"))
        status = int(ans.split(b" ", 2)[1]) if ans.startswith(b"HTTP/") else 0
        return status, ans.split(b"\r\n\r\n", 1)[-1]

    def state(self) -> dict:
        try:
            code, body = self.get("/state.json")
        except OSError:
            return {}
        return json.loads(body) if code == 200 else {}

    def threads(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(next(ln for ln in f if ln.startswith("Threads:")).split()[1])

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.err.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("serve")
    # the folder's name is markup: it must show as text
    issue = copy_issue(SAMPLE, base / "<script>alert(1)<\\script>")
    s = Served(issue, base)
    yield s
    err = s.stderr()
    s.close()
    assert "Traceback" not in err, err


def test_serve_answers_only_its_own_host_names(served):
    p = served.port
    for host in (f"127.0.0.1:{p}", f"localhost:{p}", f"LOCALHOST:{p}", f"[::1]:{p}"):
        assert served.get("/state.json", host)[0] == 200, host
    # DNS rebinding: a page of evil.example makes the browser ask this port under its name
    for host in (f"evil.example:{p}", "evil.example", f"127.0.0.1:{p + 1}", "127.0.0.1",
                 f"127.0.0.1.evil.example:{p}", f"localhost:{p}@evil", ""):
        code, _ = served.get("/state.json", host)
        assert 400 <= code < 500, (host, code)
        code, _ = served.get("/", host)
        assert 400 <= code < 500, (host, code)


def test_serve_escapes_the_folder_name(served):
    code, body = served.get("/")
    assert code == 200
    page = body.decode("utf-8")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;\\script&gt;" in page
    assert page.count("<script>") == 1            # the page's own script only


def test_serve_events_tell_a_new_page_what_is_there_already(served):
    """A page that connects to /events after the first build (its fetch of /layout.json came
    too early) is told at once that a layout and a rebuild are there: it draws the page now,
    not at the next edit (the race a CI run lost: the browser showed an empty page)."""
    import socket

    assert served.state()["generation"] >= 1
    head = f"GET /events HTTP/1.0\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode()
    got = b""
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
        s.sendall(head)
        # (nothing changes meanwhile: the only other line would be the keep-alive at 15 s)
        while b"event: layout\n" not in got or b"\ndata: " not in got.split(b"event:")[-1]:
            chunk = s.recv(4096)                # socket.timeout fails the test
            assert chunk, got
            got += chunk
    events = got.split(b"\r\n\r\n", 1)[1].decode()
    layout = int(events.split("event: layout\ndata: ")[1].split("\n")[0])
    assert layout >= 1, events
    code, body = served.get("/layout.json")
    assert json.loads(body)["generation"] == layout


def test_serve_answers_bad_requests_with_4xx(served):
    proof = served.state()["proofs"][0]
    assert served.get(f"/proof/{proof}")[0] == 200
    assert served.get(f"/proof/{proof}", method="HEAD")[0] == 200
    # the live proof: the layout, and the faces by their number only
    code, body = served.get("/layout.json")
    assert code == 200 and json.loads(body)["pages"][0]["runs"]
    code, body = served.get("/font/0")
    assert code == 200 and body[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    for path in ("/proof/" + "a" * 5000, "/proof/" + "%41" * 3000 + ".png",
                 "/proof/../../../../etc/passwd", "/proof/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                 "/proof/%00.png", "/proof/%ff%fe", "//etc/passwd", "/nothing",
                 "http://evil.example/", "*", "/proof/", "/state.json/../../x",
                 "/font/", "/font/999", "/font/-1", "/font/0x1", "/font/../../etc/passwd",
                 "/font/%2e%2e%2fetc%2fpasswd", "/font/" + "9" * 5000, "/font/%EF%BC%91"):
        code, _ = served.get(path)
        assert 400 <= code < 500, (path, code)
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "FOO",
                   "get"):
        code, _ = served.get("/", method=method)
        assert 400 <= code < 500, (method, code)
    for data in (b"\r\n\r\n", b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                 b"GET / HTTP/1.0 extra\r\n\r\n", b"\xff\xfe\xfd / HTTP/1.0\r\n\r\n",
                 b"GET /" + b"a" * 20_000 + b" HTTP/1.0\r\n\r\n",
                 b"GET / HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nX: " % served.port + b"a" * 20_000
                 + b"\r\n\r\n",
                 b"GET / HTTP/1.0\r\n" + b"X: y\r\n" * 300 + b"\r\n",
                 b"GET / HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nContent-Length: 99999999999\r\n\r\n"
                 % served.port + b"x" * 1000):
        ans = served.raw(data)
        code = int(ans.split(b" ", 2)[1]) if ans.startswith(b"HTTP/") else 0
        # an answer in 4xx (505 for an HTTP version that does not exist), or (a request
        # too large to read) the connection dropped; the Content-Length of a GET is not read
        assert 400 <= code < 500 or (code == 505 and b"HTTP/9.9" in data) or \
            (code == 0 and len(data) > 16_000) or \
            (code == 200 and b"Content-Length: 9999" in data), (data[:60], ans[:80])
    assert served.get("/")[0] == 200


def test_serve_bounds_open_connections(served):
    import socket
    import time

    idle = []
    try:
        for _ in range(100):            # connections that never send a byte
            idle.append(socket.create_connection(("127.0.0.1", served.port), timeout=10))
        time.sleep(1.0)
        assert served.threads() <= 64 + 8, served.threads()
        code, _ = served.get("/")
        assert code in (200, 503), code       # busy, but it answers
    finally:
        for s in idle:
            s.close()
    end = time.monotonic() + 20
    while served.get("/")[0] != 200:
        assert time.monotonic() < end, "the server did not recover"
        time.sleep(0.2)


def test_serve_survives_a_burst_of_2000_requests(served):
    import random
    import time
    from concurrent.futures import ThreadPoolExecutor

    rnd = random.Random(14)
    p = served.port
    kinds = [lambda: served.get("/state.json"),
             lambda: served.get("/"),
             lambda: served.get("/proof/" + "x" * rnd.randint(1, 6000)),
             lambda: served.get("/", f"evil.example:{p}"),
             lambda: served.get("/", method=rnd.choice(["POST", "FOO", "DELETE"])),
             lambda: served.raw(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 300)))
                                + b"\r\n\r\n"),
             lambda: served.get("/events", f"127.0.0.1:{p}", method="HEAD")]

    def one(_):
        try:
            return rnd.choice(kinds)()
        except OSError:             # refused while busy: allowed, the server must live on
            return None

    n = int(os.environ.get("TYPESET_FAULT_BURST", "2000"))     # scripts/faults.py: more
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(one, range(n)))
    took = time.monotonic() - t0
    assert took < 90 * n / 2000, took
    answered = sum(1 for r in results if r is not None)
    assert answered >= n * 0.95, answered
    assert served.proc.poll() is None
    assert served.get("/")[0] == 200 and served.state()["generation"] >= 1
    assert "Traceback" not in served.stderr()


# --- the output folder: one whole set, under kills, a full disk, a read-only disk -----------

def digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name → SHA-256); hidden ones too."""
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """What a stopped build may leave: hidden entries beside or inside the output folder."""
    found = [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
    if out.is_dir():
        found += [str(p.relative_to(out)) for p in out.rglob(".*")]
    return sorted(found)


def group_alive(pgid: int) -> list[int]:
    """Processes of the group ``pgid`` still running (not zombies)."""
    alive = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(int(d.name))
    return alive


def assert_no_workers(pgid: int, within: float = 1.0) -> None:
    """No process of the killed build's group is left running (its workers die with it)."""
    import signal
    import time

    end = time.monotonic() + within
    while (left := group_alive(pgid)) and time.monotonic() < end:
        time.sleep(0.02)
    for pid in left:            # (never leave them running, even when the test fails)
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} process(es) of the killed build still running"


class Sets:
    """An issue and the two sets of outputs it builds to: A (as shipped) and B (another
    editor in the manifest, so every page's running head and every file differs); ``use(x)``
    makes the issue build set x."""

    def __init__(self, src: Path, base: Path):
        import re
        import time

        self.issue = copy_issue(src, base / "issue")
        self.manifest = self.issue / "issue.yaml"
        a = self.manifest.read_text(encoding="utf-8")
        b = re.sub(r"(?m)^editor: .*\n", "", a).replace("\npages:", "\neditor: 校对二\npages:", 1)
        # the front page has no running head (its masthead prints no editor): the issue
        # number changes too, printed on every page (the slug, the masthead)
        b = b.replace("number: 第1期", "number: 第2期")
        assert b != a
        self.text = {"A": a, "B": b}
        self.digests, self.seconds = {}, 0.0
        for x in "AB":
            self.use(x)
            t0 = time.monotonic()
            r = run("build", self.issue, "-o", base / f"set{x}", "-q")
            assert r.returncode == 0, r.stderr
            self.seconds = max(self.seconds, time.monotonic() - t0)
            self.digests[x] = digests(base / f"set{x}")
        self.base = base
        assert self.digests["A"].keys() == self.digests["B"].keys()
        assert all(self.digests["A"][k] != self.digests["B"][k] for k in self.digests["A"])

    def use(self, x: str) -> None:
        self.manifest.write_text(self.text[x], encoding="utf-8")

    def out_with(self, x: str, where: Path) -> Path:
        where.mkdir(parents=True, exist_ok=True)
        out = where / "out"
        shutil.copytree(self.base / f"set{x}", out)
        return out

    def which(self, out: Path) -> str | None:
        """"A" or "B" when the folder holds that set, byte for byte (hidden files, leftovers
        of a killed run, are looked at separately); None for anything else."""
        now = {k: v for k, v in digests(out).items()
               if not any(part.startswith(".") for part in Path(k).parts)}
        return next((x for x in "AB" if now == self.digests[x]), None)


@pytest.fixture(scope="module")
def demo_sets(tmp_path_factory) -> Sets:
    return Sets(DEMO, tmp_path_factory.mktemp("demo-sets"))


@pytest.fixture(scope="module")
def sample_sets(tmp_path_factory) -> Sets:
    return Sets(SAMPLE, tmp_path_factory.mktemp("sample-sets"))


def test_a_build_replaces_the_issues_set_whole(demo_sets, tmp_path):
    """A page taken out of the issue loses its file (no stale page beside the new set);
    files of another issue and the user's own stay."""
    out = demo_sets.out_with("A", tmp_path)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "other-2020-01-01-p01.pdf").write_bytes(b"%PDF-1.4 another issue")
    demo_sets.use("A")
    m = demo_sets.manifest
    text = m.read_text(encoding="utf-8")
    try:
        i = text.index("  - page: 3\n")
        j = text.index("  - page: 4\n")
        cut = text[:i] + text[j:]
        # the front page's 导读 names articles of page 3: without the page it would name
        # articles the issue does not print (bad input), so the editor takes it out too
        g, k = cut.index("    guide:"), cut.index("    slots:")
        m.write_text(cut[:g] + cut[k:], encoding="utf-8")
        r = run("build", demo_sets.issue, "-o", out, "-q")
    finally:
        m.write_text(text, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert not any("-p03" in n for n in names), names
    assert "notes.txt" in names and "other-2020-01-01-p01.pdf" in names
    assert leftovers(out) == []


@pytest.mark.parametrize("keep", ["1", "0"])
def test_a_kill_at_every_step_of_the_switch_leaves_one_whole_set(sample_sets, tmp_path, keep):
    """strace kills the build at its 1st, 2nd, … file-system change (mkdir, link, fsync,
    rename, unlink, rmdir) until one build runs through: after each kill the folder holds the
    previous set or the new one, byte for byte, never a mix (a kill between two renames
    used to leave the new page PDF beside the old whole-issue PDF), no worker runs, and the
    next build leaves nothing behind."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.fail("strace is not installed (apt-get install strace)")
    calls = "rename,renameat,renameat2,unlink,unlinkat,rmdir,mkdir,mkdirat,link,linkat,fsync"
    # the steps must be the same in every run: caches of its own (a shared one is pruned and
    # saved by whichever checkout's build ran last), no start-up cache to save or not as a
    # run happens to compile, and the one-page build's kept worker on or off as said (left to
    # its gate, it follows the load average)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), TYPESET_STARTCACHE="0",
               TYPESET_KEEP_WORKER=keep)
    env.pop("TYPESET_PROJECT", None)
    sample_sets.use("B")

    def traced(out: Path, *strace_args) -> subprocess.Popen:
        p = subprocess.Popen([strace, "-qq", *strace_args, *TYPESET, "build",
                              str(sample_sets.issue), "-o", str(out), "-q", "-j", "2"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        p.wait(timeout=120)
        return p

    # a build first, so that the font metrics cache holds the sample's faces: the steps
    # counted below are then the build's own, the same in every run after (a first run on a
    # cold cache also renames its new cache entries into place)
    warm = subprocess.run([*TYPESET, "build", str(sample_sets.issue), "-o",
                           str(sample_sets.out_with("A", tmp_path / "warm")), "-q", "-j", "2"],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert warm.returncode == 0, warm.stderr
    # the steps: each call of the build process (not its workers) that changes the folders
    log = tmp_path / "strace.log"
    p = traced(sample_sets.out_with("A", tmp_path / "trace"), "-o", str(log), "-e",
               f"trace={calls}")
    assert p.returncode == 0
    steps, count = [], {}
    for line in log.read_text().splitlines():
        name = line.split("(", 1)[0]
        if name in calls.split(","):
            count[name] = count.get(name, 0) + 1
            steps.append((name, count[name]))
    assert len(steps) >= 6, steps
    seen, missed = [], []
    for i, (name, k) in enumerate(steps):
        out = sample_sets.out_with("A", tmp_path / f"k{i}")
        p = traced(out, "-o", "/dev/null", "-e", f"trace={name}", "-e",
                   f"inject={name}:signal=KILL:when={k}")
        if p.returncode == 0:
            # the run made fewer such calls than the counted one (a cache entry written in
            # one run and found in the next, by whichever process composed it): it ran
            # through, and its folder must hold the new set whole
            missed.append((name, k))
            assert sample_sets.which(out) == "B", f"not killed at {name} #{k}: not the new set"
            continue
        got = sample_sets.which(out)
        assert got is not None, f"killed at {name} #{k}: the folder holds a mix of two builds"
        assert_no_workers(p.pid)
        seen.append(got)
        if i in (len(steps) // 2, len(steps) - 1):     # the next build cleans what was left
            r = run("build", sample_sets.issue, "-o", out, "-q")
            assert r.returncode == 0, r.stderr
            assert sample_sets.which(out) == "B" and leftovers(out) == [], leftovers(out)
    assert "A" in seen and "B" in seen, seen      # killed before and after the switch
    assert len(missed) <= 2, (missed, steps)        # and at (nearly) every step counted


KILLS = int(os.environ.get("TYPESET_FAULT_KILLS", "30"))     # scripts/faults.py sets more


@pytest.fixture(scope="module")
def kill_sets(request):
    """The issue of the kill loop: the sample page in CI (a build takes about a second),
    the four-page issue with TYPESET_FAULT_ISSUE=demo (scripts/faults.py)."""
    name = "demo_sets" if os.environ.get("TYPESET_FAULT_ISSUE") == "demo" else "sample_sets"
    return request.getfixturevalue(name)


def test_random_kills_of_build(kill_sets, tmp_path):
    """KILLS builds of the issue, each killed with SIGKILL (the build process
    alone: its workers must die with it) after a random delay over the length of a build,
    switching between two sets: after each, the folder holds the previous set or the new
    one, byte for byte; no process of the build runs; every few kills, and at the end, an
    unkilled build leaves the new set and nothing else."""
    import random
    import signal
    import time

    rnd = random.Random(int(os.environ.get("TYPESET_FAULT_SEED", "14")))
    env = dict(os.environ)
    env.pop("TYPESET_PROJECT", None)
    out = kill_sets.out_with("A", tmp_path)
    have, landed = "A", {"A": 0, "B": 0}
    for k in range(KILLS):
        want = "B" if have == "A" else "A"
        kill_sets.use(want)
        delay = rnd.uniform(0.0, kill_sets.seconds * 1.1)
        p = subprocess.Popen([*TYPESET, "build", str(kill_sets.issue), "-o", str(out), "-q",
                              "-j", "2"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout=30)
        assert_no_workers(p.pid)
        got = kill_sets.which(out)
        assert got in (have, want), f"kill {k} after {delay:.2f} s: not a whole set"
        landed[got] += got != have
        have = got
        if k % 10 == 9 or k == KILLS - 1:
            r = run("build", kill_sets.issue, "-o", out, "-q")
            assert r.returncode == 0, r.stderr
            assert kill_sets.which(out) == want and leftovers(out) == [], leftovers(out)
            have = want
    print(f"{KILLS} kills; the new set landed {landed['A'] + landed['B']} time(s) before "
          "the kill")


# A small disk: tmpfs mounted for the test (the tests run as root in CI).

@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of 4 MB at tmp_path/disk, unmounted afterwards; skipped (with the reason) only
    where mounting is impossible."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN): "
                    f"{r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mnt)], capture_output=True)
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk so that about ``leave`` bytes stay free."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    filler = disk / "filler"
    with open(filler, "ab") as f:
        f.write(b"\0" * max(0, free - leave))


def everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_full_disk_is_exit_74_naming_the_file(sample_sets, small_disk):
    """A full disk at several points of writing the new set — with the output folder
    beside others (switched whole) and as the disk itself (a mount point: written in
    place) — gives exit 74 and one message naming an output file, no traceback; the previous
    set is left byte for byte and nothing of the attempt is left, hidden or not."""
    sample_sets.use("B")
    one = max((sample_sets.base / "setA").rglob("*.pdf"), key=lambda p: p.stat().st_size)
    pdf = one.stat().st_size
    for where in ("folder", "in place"):
        for leave in (16_000, pdf // 2, pdf + pdf // 3):
            for p in small_disk.iterdir():
                shutil.rmtree(p) if p.is_dir() else p.unlink()
            out = small_disk / "out" if where == "folder" else small_disk
            shutil.copytree(sample_sets.base / "setA", out, dirs_exist_ok=True)
            before = everything(small_disk)
            fill(small_disk, leave)
            r = run("build", sample_sets.issue, "-o", out, "-q")
            assert r.returncode == 74, (where, leave, r.returncode, r.stderr)
            no_traceback(r)
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: cannot write "), r.stderr
            assert "No space left on device" in lines[0]
            assert str(out) in lines[0] and ".pdf" in lines[0], lines[0]
            (small_disk / "filler").unlink()
            assert everything(small_disk) == before, (where, leave)
            assert sample_sets.which(out) == "A", (where, leave)


def test_a_read_only_output_folder_is_exit_74(sample_sets, small_disk):
    """The disk read-only (a replica, a backup mount), and a read-only bind mount of the
    output folder alone: exit 74 naming the file, the outputs as they were."""
    sample_sets.use("B")
    out = small_disk / "out"
    shutil.copytree(sample_sets.base / "setA", out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        for target in (out, small_disk, small_disk / "new"):
            r = run("build", sample_sets.issue, "-o", target, "-q")
            assert r.returncode == 74, (target, r.stderr)
            no_traceback(r)
            assert r.stderr.startswith("error: cannot write ") and "Read-only" in r.stderr
            assert str(target) in r.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert sample_sets.which(out) == "A" and leftovers(out) == []
    # the output folder alone read-only, its disk writable
    subprocess.run(["mount", "--bind", str(out), str(out)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(out)], check=True)
        r = run("build", sample_sets.issue, "-o", out, "-q")
        assert r.returncode == 74 and "Read-only" in r.stderr, r.stderr
        no_traceback(r)
    finally:
        subprocess.run(["umount", str(out)], check=True)
    assert sample_sets.which(out) == "A" and leftovers(out) == []


def test_new_on_a_full_or_read_only_disk_is_exit_74_and_writes_nothing(small_disk):
    """`typeset new` writes a whole folder (manifest, empty articles, checklist): a full disk
    or a read-only one is exit 74 naming the file, no traceback, and no half-made issue
    folder (it used to end in a traceback, exit 70, leaving an empty issue.yaml behind)."""
    target = small_disk / "next"
    fill(small_disk, 2_000)
    r = run("new", target, "--previous", SAMPLE)
    assert r.returncode == 74, r.stderr
    no_traceback(r)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write "), r.stderr
    assert "No space left on device" in lines[0] and str(target) in lines[0], lines[0]
    assert everything(small_disk) == ["filler"]
    (small_disk / "filler").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        r = run("new", target, "--previous", SAMPLE)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert r.returncode == 74 and "Read-only" in r.stderr, r.stderr
    no_traceback(r)
    assert everything(small_disk) == []
    # with room, the same command makes the whole folder
    r = run("new", target, "--previous", SAMPLE)
    assert r.returncode == 0, r.stderr
    assert (target / "issue.yaml").is_file() and (target / "CHECKLIST.md").is_file()
    assert [p.name for p in small_disk.iterdir()] == ["next"]


def test_in_place_kills_are_repaired_by_the_next_build(sample_sets, small_disk, tmp_path):
    """The output folder is a mount point (it cannot be switched whole: written in place
    with a journal).  A kill at each rename leaves the journal; the next build finishes the
    switch and leaves the new set and nothing else."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.fail("strace is not installed (apt-get install strace)")
    env = dict(os.environ)
    env.pop("TYPESET_PROJECT", None)
    sample_sets.use("B")
    for k in (1, 2, 3):
        for p in small_disk.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        shutil.copytree(sample_sets.base / "setA", small_disk, dirs_exist_ok=True)
        p = subprocess.run([strace, "-qq", "-o", "/dev/null", "-e", "trace=rename",
                            "-e", f"inject=rename:signal=KILL:when={k}", *TYPESET, "build",
                            str(sample_sets.issue), "-o", str(small_disk), "-q"],
                           cwd=ROOT, env=env, capture_output=True, timeout=120)
        assert p.returncode != 0
        got = sample_sets.which(small_disk)
        assert got is not None or (small_disk / ".typeset-switch.json").is_file(), \
            f"killed at rename {k}: a mix without the journal that repairs it"
        r = run("build", sample_sets.issue, "-o", small_disk, "-q")
        assert r.returncode == 0, r.stderr
        assert sample_sets.which(small_disk) == "B"
        assert [p.name for p in small_disk.rglob(".*")] == []     # no journal, no .part


def test_a_planted_journal_moves_and_deletes_nothing_outside(sample_sets, tmp_path):
    """A journal of an interrupted in-place switch is a file in the output folder: one that
    came with a copied folder, naming paths outside it, is dropped, not followed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    sample_sets.use("A")
    issue = sample_sets.issue
    for journal in ({"rename": [[str(victim), "x.pdf"]], "remove": []},
                    {"rename": [], "remove": ["../../victim.txt", str(victim)]},
                    {"rename": [["../../victim.txt", "y.pdf"]], "remove": []},
                    {"rename": "nonsense"}):
        (issue / ".typeset-switch.json").write_text(json.dumps(journal), encoding="utf-8")
        r = run("build", issue, "-o", issue)          # -o the issue: written in place
        assert r.returncode == 0, r.stderr
        assert victim.read_text(encoding="utf-8") == "keep me"
        assert "dropped the journal" in r.stderr
        assert not (issue / ".typeset-switch.json").exists()
    for p in issue.glob("*.pdf"):
        p.unlink()
    shutil.rmtree(issue / "proofs", ignore_errors=True)


def test_a_killed_builds_temporary_folder_is_removed_by_the_next_build(tmp_path):
    """A build stages what its workers draw in a temporary folder named after its process
    (issue #22); one killed with SIGKILL cannot remove it: the next build does, and leaves
    a living build's folder alone."""
    import tempfile

    dead = subprocess.Popen(["true"])
    dead.wait()
    tmp = Path(tempfile.gettempdir())
    stale = tmp / f"typeset-build-{dead.pid}-killed"
    alive = tmp / f"typeset-build-{os.getpid()}-alive"
    for d in (stale, alive):
        d.mkdir()
        (d / "drawn-00000.pdf").write_bytes(b"%PDF-1.4 left over")
    try:
        r = run("build", SAMPLE, "-o", tmp_path / "out", "-q")
        assert r.returncode == 0, r.stderr
        assert not stale.exists()
        assert alive.exists()
    finally:
        shutil.rmtree(stale, ignore_errors=True)
        shutil.rmtree(alive, ignore_errors=True)
