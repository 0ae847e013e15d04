"""Browsing the archive in a web browser: ``paiban archive serve ARCHIVE``.

Contract: ``serve(archive, port, host, catalog)`` answers on 127.0.0.1 (by default) with
server-made HTML pages (no script at all):

- ``/``                         the papers, each with its years and number of issues; a search box
- ``/paper/KEY/YEAR``           the issues of a paper in a year
- ``/issue/ID/vN``              an issue: a thumbnail of each page (the record's proofs), its
                                page PDFs, its articles
- ``/article/ID/vN/ARTICLE``    an article: its text page by page (from the catalog), and its
                                PDF (the record's ``articles/ARTICLE.pdf``; for a record archived
                                before records held article PDFs, made on demand from the record)
- ``/search?q=…[&paper=&from=&to=&page=]``  search (archive.search_catalog), hits highlighted
- ``/file/ID/vN/PATH``          a file of the record: only a PNG, PDF or text file that the
                                record's MANIFEST.sha256 lists, checked against its SHA-256

The rules of the live proof server apply (live.BoundedHandler: bounded requests, GET and HEAD
only, the Host header checked, a busy port is exit 74): every text from the archive is
escaped, a page the server does not know is 404 and a wrong value 400, never a traceback.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .errors import TypesetError

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-src 'self'; "
       "object-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'")
FILE_TYPES = {".png": "image/png", ".pdf": "application/pdf",
              ".txt": "text/plain; charset=utf-8"}
MAX_ON_DEMAND = 32          # article PDFs made on demand kept in memory (per server)

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 0;
       color: #222; }
header { background: #7a1f1f; color: #fff; padding: 8px 16px; display: flex; gap: 24px;
         align-items: center; }
header a { color: #fff; text-decoration: none; font-weight: bold; }
header form { margin-left: auto; }
main { padding: 12px 16px; }
.pages { display: flex; flex-wrap: wrap; gap: 16px; }
.pages figure { margin: 0; } .pages img { height: 360px; border: 1px solid #999; }
mark { background: #ffe066; }
.hit { margin: 10px 0; } .hit .where { color: #666; font-size: 90%; }
.article { display: flex; gap: 24px; } .article .text { flex: 1; max-width: 40em; }
.article iframe { flex: 1; min-height: 80vh; border: 1px solid #999; }
p.body { text-indent: 2em; line-height: 1.7; margin: 0.3em 0; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _u(value) -> str:
    return quote(str(value), safe="")


class NotFound(Exception):
    pass


class BadRequest(Exception):
    pass


class Browser:
    """The pages of one archive (catalog opened per request: each request runs in a thread
    of its own)."""

    def __init__(self, archive: Path, catalog: str | None = None):
        from .catalog import resolve_spec

        self.archive = Path(archive)
        self.spec = resolve_spec(self.archive, catalog)
        self.title = self.archive.resolve().name
        self._made: dict[tuple, bytes] = {}       # article PDFs made on demand
        self._lock = threading.Lock()

    def catalog(self):
        from .archive import open_catalog

        return open_catalog(self.archive, self.spec)

    # pages --------------------------------------------------------------------------------------
    def page(self, title: str, body: str, q: str = "") -> bytes:
        return (f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                f"<title>{_e(title)} — typeset archive</title><style>{STYLE}</style></head>"
                f"<body><header><a href=\"/\">{_e(self.title)}</a>"
                f"<form action=\"/search\" method=\"get\"><input name=\"q\" value=\"{_e(q)}\" "
                f"placeholder=\"搜索 search\" size=\"24\"> <button>搜索</button></form></header>"
                f"<main>{body}</main></body></html>").encode()

    def home(self) -> bytes:
        with self.catalog() as c:
            issues = c.issues()
            papers = c.papers()
        names = dict(papers)
        by: dict = {}
        for i in issues:
            by.setdefault(i["paper"], {}).setdefault(i["date"][:4], 0)
            by[i["paper"]][i["date"][:4]] += 1
        rows = []
        for key in sorted(by):
            years = " ".join(f"<a href=\"/paper/{_u(key)}/{_u(y)}\">{_e(y)}</a> ({n})"
                             for y, n in sorted(by[key].items(), reverse=True))
            rows.append(f"<li class=\"paper\"><b>{_e(names.get(key) or key)}</b> "
                        f"<small>{_e(key)}</small>: {years}</li>")
        body = f"<h2>报纸 Papers</h2><ul>{''.join(rows) or '<li>(no issue archived)</li>'}</ul>"
        return self.page("papers", body)

    def year(self, key: str, year: str) -> bytes:
        if not (year.isdigit() and len(year) == 4):
            raise BadRequest(f"'{year}' is not a year")
        with self.catalog() as c:
            issues = c.issues(paper=key, year=year)
        if not issues:
            raise NotFound(f"no issue of {key} in {year}")
        name = issues[0]["paper_name"] or key
        items = "".join(
            f"<li><a class=\"issue\" href=\"/issue/{_u(i['id'])}/v{i['version']}\">"
            f"{_e(i['date'])}</a> {_e(i['number'] or '')}</li>" for i in issues)
        return self.page(f"{name} {year}", f"<h2>{_e(name)} {_e(year)}</h2><ul>{items}</ul>")

    def _record(self, rid: str, v: str) -> tuple[dict, Path]:
        if not (v.startswith("v") and v[1:].isdigit()):
            raise NotFound(f"no version '{v}'")
        with self.catalog() as c:
            issue = c.issue(rid, int(v[1:]))
            arts = c.articles(rid, int(v[1:])) if issue else []
        if issue is None:
            raise NotFound(f"no issue {rid} {v} in the catalog")
        from .recordfiles import safe_relpath

        rel = safe_relpath(issue["path"])
        if rel is None:
            raise NotFound("the catalog names a record outside the archive")
        issue["articles"] = arts
        return issue, self.archive / rel

    def issue(self, rid: str, v: str) -> bytes:
        issue, rec = self._record(rid, v)
        listed = self._listed(rec)
        base = f"/file/{_u(rid)}/{_u(v)}/"
        import re

        # every page the record holds a PDF of (a page without articles too)
        pages = sorted({int(m[1]) for p in listed if p.startswith("pdf/")
                        for m in [re.search(r"-p(\d+)\.pdf$", p)] if m} |
                       {a["page"] for a in issue["articles"]})
        figs = []
        for n in pages:
            proof = next((p for p in listed if p.startswith("proofs/") and
                          p.endswith(f"-p{n:02d}.png")), None)
            pdf = next((p for p in listed if p.startswith("pdf/") and
                        p.endswith(f"-p{n:02d}.pdf")), None)
            img = (f"<img src=\"{base}{quote(proof)}\" alt=\"第{n}版\">" if proof else
                   "<div>(no proof)</div>")
            link = f"<a href=\"{base}{quote(pdf)}\">PDF</a>" if pdf else ""
            figs.append(f"<figure class=\"page\">{img}<figcaption>第{n}版 {link}"
                        f"</figcaption></figure>")
        seen, arts = set(), []
        for a in issue["articles"]:
            key = a["article"] or a["slot"]
            if key in seen:
                continue
            seen.add(key)
            arts.append(f"<li><a class=\"article\" href=\"/article/{_u(rid)}/{_u(v)}/"
                        f"{_u(key)}\">{_e(a['headline'])}</a> <small>第{a['page']}版</small>"
                        f"</li>")
        name = issue["paper_name"] or issue["paper"]
        body = (f"<h2>{_e(name)} {_e(issue['date'])} {_e(issue['number'] or '')}</h2>"
                f"<div class=\"pages\">{''.join(figs)}</div><h3>文章 Articles</h3>"
                f"<ul>{''.join(arts)}</ul>")
        return self.page(f"{name} {issue['date']}", body)

    def article(self, rid: str, v: str, key: str) -> bytes:
        issue, rec = self._record(rid, v)
        parts = [a for a in issue["articles"] if (a["article"] or a["slot"]) == key]
        if not parts:
            raise NotFound(f"no article '{key}' in {rid} {v}")
        text = []
        for a in parts:
            paras = "".join(f"<p class=\"body\">{_e(p)}</p>" for p in a["body"].split("\n"))
            text.append(f"<h4>第{a['page']}版</h4>{paras}")
        if parts[0]["byline"]:
            text.append(f"<p class=\"byline\">{_e(parts[0]['byline'])}</p>")
        pdf = f"/articlepdf/{_u(rid)}/{_u(v)}/{_u(key)}"
        body = (f"<p><a href=\"/issue/{_u(rid)}/{_u(v)}\">{_e(issue['paper_name'] or '')} "
                f"{_e(issue['date'])}</a></p><div class=\"article\"><div class=\"text\">"
                f"<h2 class=\"headline\">{_e(parts[0]['headline'])}</h2>{''.join(text)}"
                f"<p><a class=\"pdf\" href=\"{pdf}\">PDF</a></p></div>"
                f"<iframe src=\"{pdf}\" title=\"PDF\"></iframe></div>")
        return self.page(parts[0]["headline"], body)

    def article_pdf(self, rid: str, v: str, key: str) -> bytes:
        issue, rec = self._record(rid, v)
        stored = next((a["article_pdf"] for a in issue["articles"]
                       if (a["article"] or a["slot"]) == key and a["article_pdf"]), None)
        if stored:
            return self._file(rec, stored)
        if not any((a["article"] or a["slot"]) == key for a in issue["articles"]):
            raise NotFound(f"no article '{key}'")
        # a record archived before records held article PDFs: made from the record
        with self._lock:
            if (rid, v, key) in self._made:
                return self._made[(rid, v, key)]
        from . import exchange

        with exchange.open_edition(rec) as ed:
            pdfs = exchange.article_pdfs(ed)
        if key not in pdfs:
            raise NotFound(f"no article '{key}' in the record's layout")
        with self._lock:
            while len(self._made) >= MAX_ON_DEMAND:
                self._made.pop(next(iter(self._made)))
            self._made[(rid, v, key)] = pdfs[key]
        return pdfs[key]

    def search(self, query: dict) -> bytes:
        from .archive import search_catalog
        from .errors import InputError

        q = (query.get("q") or [""])[0]
        if not q.strip():
            return self.page("search", "<p>Give a phrase to search for.</p>")
        opts = {}
        for name, opt in (("paper", "paper"), ("from", "date_from"), ("to", "date_to")):
            val = (query.get(name) or [""])[0]
            if val:
                opts[opt] = val
        page = (query.get("page") or [""])[0]
        if page:
            if not page.isdigit():
                raise BadRequest("page must be a page number")
            opts["page"] = int(page)
        try:
            with self.catalog() as c:
                hits = search_catalog(c, self.archive, q, limit=100, **opts)
        except InputError as e:
            raise BadRequest(str(e)) from None
        items = []
        for h in hits:
            before, found, after = h["match"]
            key = h["article"] or h["slot"]
            items.append(
                f"<div class=\"hit\"><a class=\"hit-article\" href=\"/article/{_u(h['issue'])}/"
                f"v{h['version']}/{_u(key)}\">{_e(h['headline'])}</a> "
                f"<span class=\"where\">{_e(h['paper'])} {_e(h['date'])} 第{h['page']}版</span>"
                f"<div class=\"snippet\">{_e(before)}<mark>{_e(found)}</mark>{_e(after)}</div>"
                f"</div>")
        body = (f"<h2>“{_e(q)}”: {len(hits)} hit(s)</h2>" + "".join(items))
        return self.page(f"search {q}", body, q)

    # files ---------------------------------------------------------------------------------------
    def _listed(self, rec: Path) -> dict[str, str]:
        from .recordfiles import read_manifest

        entries, _ = read_manifest(rec)
        return {name.as_posix(): digest for digest, name in entries}

    def _file(self, rec: Path, rel: str) -> bytes:
        """A file of the record that its manifest lists, read only if it is a regular file
        inside the record and has the SHA-256 the manifest gives."""
        import hashlib

        from .recordfiles import regular_inside, safe_relpath

        safe = safe_relpath(rel)
        digest = self._listed(rec).get(rel) if safe is not None else None
        if digest is None or PurePosixPath(rel).suffix not in FILE_TYPES:
            raise NotFound("not a file of the record")
        path, _ = regular_inside(rec, safe)
        if path is None:
            raise NotFound("missing from the record")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise NotFound("changed since it was archived (`paiban archive verify`)")
        return data

    def file(self, rid: str, v: str, rel: str) -> tuple[bytes, str]:
        _, rec = self._record(rid, v)
        return self._file(rec, rel), FILE_TYPES[PurePosixPath(rel).suffix]


def make_handler(browser: Browser, allowed_hosts: frozenset):
    from .live import BoundedHandler

    class Handler(BoundedHandler):
        csp = CSP

        def route(self):
            html_type = "text/html; charset=utf-8"
            try:
                url = urlsplit(self.path)
                parts = [unquote(p, errors="strict") for p in url.path.split("/")[1:]]
                if parts in ([""], []):
                    return self._send(200, browser.home(), html_type)
                head, rest = parts[0], parts[1:]
                if head == "search" and not rest:
                    query = parse_qs(url.query, max_num_fields=20)
                    return self._send(200, browser.search(query), html_type)
                if head == "paper" and len(rest) == 2:
                    return self._send(200, browser.year(*rest), html_type)
                if head == "issue" and len(rest) == 2:
                    return self._send(200, browser.issue(*rest), html_type)
                if head == "article" and len(rest) == 3:
                    return self._send(200, browser.article(*rest), html_type)
                if head == "articlepdf" and len(rest) == 3:
                    return self._send(200, browser.article_pdf(*rest), "application/pdf")
                if head == "file" and len(rest) >= 3:
                    data, ctype = browser.file(rest[0], rest[1], "/".join(rest[2:]))
                    return self._send(200, data, ctype)
                raise NotFound("no such page")
            except NotFound as e:
                return self._send(404, browser.page("not found", f"<p>{_e(e)}</p>"),
                                  html_type)
            except (BadRequest, UnicodeDecodeError) as e:
                return self._send(400, browser.page("bad request", f"<p>{_e(e)}</p>"),
                                  html_type)
            except TypesetError as e:       # the catalog cannot be read, a damaged record
                return self._send(503, browser.page("unavailable", f"<p>{_e(e)}</p>"),
                                  html_type)

    Handler.allowed_hosts = allowed_hosts
    return Handler


def serve(archive: Path, port: int = 8766, host: str = "127.0.0.1",
          catalog: str | None = None, on_ready=None) -> None:
    """Serve the archive's pages until interrupted (see the module docstring).  The catalog
    is opened once first, so that an archive that is not one is reported before listening;
    a port in use is a ServeError (exit 74)."""
    from http.server import BaseHTTPRequestHandler

    from .live import WILDCARD_HOSTS, ServeError, host_names, listen

    if host.strip() in WILDCARD_HOSTS:
        raise ServeError.usage(f"will not listen on every address ('{host}'): give the name or "
                               "address others use to reach this machine", hint="--host NAME")
    browser = Browser(archive, catalog)
    browser.catalog().close()
    server = listen(host, port, BaseHTTPRequestHandler)
    server.RequestHandlerClass = make_handler(browser, host_names(host,
                                                                  server.server_address[1]))
    if on_ready:
        shown = host if ":" not in host else f"[{host}]"
        on_ready(f"http://{shown}:{server.server_address[1]}/")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
