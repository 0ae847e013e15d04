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
    rebuilds = _watch_for(w, 6.0)
    assert rebuilds and rebuilds[0].ok, rebuilds and rebuilds[0].error
    assert list((issue / "build").glob("*.pdf"))
    assert len(rebuilds) == 1, [r.touched for r in rebuilds]
    # and -o the issue folder itself: the PDFs beside the manifest are not inputs either
    w = Watcher(issue, issue)
    rebuilds = _watch_for(w, 6.0)
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
    r = run("serve", SAMPLE, "--host", "0.0.0.0", timeout=60)
    assert r.returncode == 2 and "every address" in r.stderr, r.stderr


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
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, (line, self.stderr())
        self.port = int(m.group(1))
        end = time.monotonic() + 90
        while self.state().get("generation", 0) < 1:     # the first build is done
            assert time.monotonic() < end and self.proc.poll() is None, self.stderr()
            time.sleep(0.3)

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


def test_serve_answers_bad_requests_with_4xx(served):
    proof = served.state()["proofs"][0]
    assert served.get(f"/proof/{proof}")[0] == 200
    assert served.get(f"/proof/{proof}", method="HEAD")[0] == 200
    for path in ("/proof/" + "a" * 5000, "/proof/" + "%41" * 3000 + ".png",
                 "/proof/../../../../etc/passwd", "/proof/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                 "/proof/%00.png", "/proof/%ff%fe", "//etc/passwd", "/nothing",
                 "http://evil.example/", "*", "/proof/", "/state.json/../../x"):
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

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(one, range(2000)))
    took = time.monotonic() - t0
    assert took < 90, took
    answered = sum(1 for r in results if r is not None)
    assert answered >= 1900, answered
    assert served.proc.poll() is None
    assert served.get("/")[0] == 200 and served.state()["generation"] >= 1
    assert "Traceback" not in served.stderr()
