"""Reading a foreign PDF's streams within bounds: decoded sizes, operators, nesting.

Contract: ``decoded(stream, limit, what)`` returns a stream's data decoded, or raises
:class:`Refused` when it would decode to more than ``limit`` bytes (a decompression bomb) and
:class:`Undecodable` when it cannot be decoded (an image filter, damaged data).
``operations(data, problem)`` yields a content stream's operators one at a time as
``(operator, operands)`` — numbers as float, names as str (``"/F1"``), strings as bytes,
arrays as list, dictionaries as dict, an inline image as ``("BI", [dict, data])`` — holding
no more than one operator's operands in memory; ``problem(message)`` is told of what it had
to skip (an unterminated array, a stray delimiter).  ``batches(data, problem)`` gives the same
operators, but a run of plain text operators (most of a page) as one :class:`TextRun` of at
most RUN items, read by a regular expression instead of token by token, and the PDF writer's
lines of strings in that run by splitting them where they have its very shape (_tj_lines;
issue #22).  Only the preflight uses this module.

Why not pikepdf's ``parse_content_stream``: it builds every operand of a stream as a Python
object at once, about 600 bytes an operand (5 MB of ``0 0 1 1 re f`` took 490 MB), so one
dense or hostile page would exhaust the memory a plant allows a check.  Here nothing is kept:
a page of any size is read in constant memory, and the caller counts the operators against
its budget of time.
"""

from __future__ import annotations

import re
import zlib
from codecs import escape_decode as _escape_decode


class Refused(Exception):
    """The file is not read further: the message says why (a bomb, too large, too complex)."""


class Undecodable(Exception):
    """A stream whose data cannot be decoded here (damaged, or an image filter)."""


MB = 1024 * 1024
IMAGE_FILTERS = {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode",
                 "/Crypt"}


def filters(stream) -> list[tuple[str, object]]:
    """[(filter name, its DecodeParms or None)] of a stream."""
    import pikepdf

    f = stream.get("/Filter")
    p = stream.get("/DecodeParms", stream.get("/DP"))
    if f is None:
        return []
    names = list(f) if isinstance(f, pikepdf.Array) else [f]
    parms = list(p) if isinstance(p, pikepdf.Array) else [p] * len(names)
    out = []
    for k, n in enumerate(names):
        out.append((str(n), parms[k] if k < len(parms) else None))
    return out


def _inflate(data: bytes, limit: int, what: str) -> bytes:
    d = zlib.decompressobj()
    out = bytearray()
    pos, step = 0, 1 << 16
    try:
        while pos < len(data):
            out += d.decompress(data[pos:pos + step], limit + 1 - len(out))
            pos += step
            if len(out) > limit:
                raise Refused(_bomb(what, limit))
            while d.unconsumed_tail:
                out += d.decompress(d.unconsumed_tail, limit + 1 - len(out))
                if len(out) > limit:
                    raise Refused(_bomb(what, limit))
            if d.eof:
                break
    except zlib.error:
        if not out:
            raise Undecodable(f"{what}: damaged compressed data") from None
    return bytes(out)


def _bomb(what: str, limit: int) -> str:
    return (f"{what} decodes to more than {limit // MB} MB: refused (a decompression bomb, "
            f"or far larger than a print file needs)")


def _lzw(data: bytes, limit: int, what: str, early: int = 1) -> bytes:
    out = bytearray()
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    bits, buf, nbits, prev = 9, 0, 0, None
    for byte in data:
        buf = (buf << 8) | byte
        nbits += 8
        while nbits >= bits:
            nbits -= bits
            code = (buf >> nbits) & ((1 << bits) - 1)
            if code == 256:                       # clear table
                table = table[:258]
                bits, prev = 9, None
                continue
            if code == 257:                       # end of data
                return bytes(out)
            if code < len(table):
                entry = table[code]
                if prev is not None:
                    table.append(prev + entry[:1])
            elif prev is not None and code == len(table):
                entry = prev + prev[:1]
                table.append(entry)
            else:
                raise Undecodable(f"{what}: damaged LZW data")
            out += entry
            if len(out) > limit:
                raise Refused(_bomb(what, limit))
            prev = entry
            if len(table) + early >= (1 << bits) and bits < 12:
                bits += 1
    return bytes(out)


def _runlength(data: bytes, limit: int, what: str) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            out += data[i + 1:i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1:i + 2] * (257 - n)
            i += 2
        if len(out) > limit:
            raise Refused(_bomb(what, limit))
    return bytes(out)


def _hex(data: bytes) -> bytes:
    s = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    if len(s) % 2:
        s += b"0"
    return bytes.fromhex(s.decode("ascii"))


def _a85(data: bytes, what: str) -> bytes:
    import base64

    s = re.sub(rb"\s", b"", data)
    if s.startswith(b"<~"):
        s = s[2:]
    s = s.split(b"~>", 1)[0]
    try:
        return base64.a85decode(s)
    except ValueError:
        raise Undecodable(f"{what}: damaged ASCII85 data") from None


def decoded(stream, limit: int, what: str) -> bytes:
    """The stream's data decoded, at most ``limit`` bytes (see the module docstring)."""
    import pikepdf

    try:
        data = stream.read_raw_bytes()
    except pikepdf.PdfError as e:
        raise Undecodable(f"{what}: cannot be read ({e})") from None
    predictors = False
    for name, parms in filters(stream):
        if name in ("/FlateDecode", "/Fl"):
            data = _inflate(data, limit, what)
        elif name in ("/LZWDecode", "/LZW"):
            early = 1
            if isinstance(parms, pikepdf.Dictionary):
                early = int(parms.get("/EarlyChange", 1))
            data = _lzw(data, limit, what, early)
        elif name in ("/RunLengthDecode", "/RL"):
            data = _runlength(data, limit, what)
        elif name in ("/ASCIIHexDecode", "/AHx"):
            data = _hex(data)
        elif name in ("/ASCII85Decode", "/A85"):
            data = _a85(data, what)
        else:
            raise Undecodable(f"{what}: filter {name} is not one for this kind of stream")
        if isinstance(parms, pikepdf.Dictionary) and int(parms.get("/Predictor", 1)) > 1:
            predictors = True
    if predictors:
        # The size is known to be within the limit: qpdf undoes the predictors.
        try:
            data = stream.read_bytes()
        except pikepdf.PdfError as e:
            raise Undecodable(f"{what}: cannot be decoded ({e})") from None
    return data


def decoded_size_at_most(stream, limit: int, what: str) -> None:
    """Raise Refused if the stream's non-image filters decode to more than ``limit`` bytes
    (the image filters after them are the image decoder's, which has its own bounds)."""
    import pikepdf

    fl = filters(stream)
    k = 0
    while k < len(fl) and fl[k][0] not in IMAGE_FILTERS:
        k += 1
    if k == 0:
        return
    try:
        data = stream.read_raw_bytes()
    except pikepdf.PdfError as e:
        raise Undecodable(f"{what}: cannot be read ({e})") from None
    for name, parms in fl[:k]:
        if name in ("/FlateDecode", "/Fl"):
            data = _inflate(data, limit, what)
        elif name in ("/LZWDecode", "/LZW"):
            data = _lzw(data, limit, what)
        elif name in ("/RunLengthDecode", "/RL"):
            data = _runlength(data, limit, what)
        elif name in ("/ASCIIHexDecode", "/AHx"):
            data = _hex(data)
        elif name in ("/ASCII85Decode", "/A85"):
            data = _a85(data, what)


# --- content streams --------------------------------------------------------------------------

_PAREN = re.compile(rb"[()\\]")
_OCTAL_ONLY = re.compile(rb"(?:[^()\\]|\\[0-3][0-7][0-7])*")
_ESC = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n|\r|\n)|([\s\S]))")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_NAME_ESC = re.compile(rb"#([0-9A-Fa-f]{2})")
_EI = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)")
_KEYWORDS = {b"true": True, b"false": False, b"null": None}
MAX_OPERANDS = 100_000          # operands (array elements included) of one operator
MAX_NESTING = 32                # arrays and dictionaries within each other


def _unescape_one(m) -> bytes:
    if m.group(1):
        return bytes([int(m.group(1), 8) & 0xFF])
    if m.group(2):
        return b""                                    # a line continuation
    c = m.group(3)
    return _ESCAPES.get(c, c)


def _literal(data: bytes, pos: int) -> tuple[bytes, int]:
    e = data.find(b")", pos)
    if e >= 0:
        raw = data[pos:e]
        if 0x5C not in raw:
            if 0x28 not in raw:                      # the common case: nothing nested
                return raw, e + 1
        elif _OCTAL_ONLY.fullmatch(raw):
            # nothing nested and no escape but three-digit octal codes up to \377 (how
            # ReportLab writes the codes of a subset font): one C call decodes them all, and
            # the ')' found ends the string (no escape is left open before it)
            return _escape_decode(raw)[0], e + 1
    depth, i, esc = 1, pos, False
    search = _PAREN.search
    while True:
        m = search(data, i)
        if m is None:
            raw = data[pos:]
            return (_ESC.sub(_unescape_one, raw) if esc else raw), len(data)
        j = m.start()
        c = data[j]
        if c == 0x5C:
            esc = True
            i = j + 2
            continue
        if c == 0x28:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                raw = data[pos:j]
                return (_ESC.sub(_unescape_one, raw) if esc else raw), j + 1
        i = j + 1


def _name(tok: bytes) -> str:
    if 0x23 in tok:
        tok = _NAME_ESC.sub(lambda m: bytes([int(m.group(1), 16)]), tok)
    return tok.decode("latin-1")


INLINE_KEYS = {"/W": "/Width", "/H": "/Height", "/BPC": "/BitsPerComponent",
               "/CS": "/ColorSpace", "/F": "/Filter", "/IM": "/ImageMask", "/D": "/Decode",
               "/DP": "/DecodeParms", "/I": "/Interpolate", "/L": "/Length"}


def _inline_length(d: dict) -> int | None:
    """Bytes of an unfiltered inline image, or None when it is filtered."""
    if d.get("/Filter") not in (None, []):
        return None
    try:
        w, h = int(d.get("/Width", 0)), int(d.get("/Height", 0))
        bpc = 1 if d.get("/ImageMask") else int(d.get("/BitsPerComponent", 8))
        cs = d.get("/ColorSpace", "/DeviceGray")
        n = {"/DeviceCMYK": 4, "/CMYK": 4, "/DeviceRGB": 3, "/RGB": 3}.get(cs, 1) \
            if isinstance(cs, str) else 1
        if d.get("/ImageMask"):
            n = 1
        return h * ((w * n * bpc + 7) // 8)
    except (TypeError, ValueError):
        return None


def operations(data: bytes, problem=None):
    """The operators of a content stream (see the module docstring)."""
    for x in batches(data, problem):
        if type(x) is TextRun:
            yield from x.operators()
        else:
            yield x


class TextRun(list):
    """A run of plain text operators (see _ITEM), each a tuple: ``("Tf", name, size,
    string)`` (a Tf, and the string of the Tj right after it, or None), ``("Tj", string)``,
    ``("TJ", [strings and numbers])``, ``("Tm", (a, b, c, d, e, f))``, ``("Td", tx, ty)``,
    ``("TD", tx, ty)``, ``("BT",)``, ``("ET",)``, and ``("BTm", (a, b, c, d, e, f), et)`` (a
    BT and the Tm right after it, and an ET right before them when ``et``: how the PDF
    writer begins each line): the operands as :func:`operations` gives them, without a list
    for each operator (the walk reads a run in one loop).  A BTm is given as a line,
    ``("L", (a, b, c, d, e, f), et, items)``: ``items`` are the Tf and TJ items right after
    it in the run (a Tf with its Tj, or a Tf and then a TJ: how the writer sets each string
    of a line), which the walk may read in one step (:meth:`expand` gives the items as they
    would be without the line)."""

    def operators(self):
        """The run's operators as :func:`operations` yields them."""
        for it in self:
            op = it[0]
            if op == "Tf":
                yield "Tf", [it[1], it[2]]
                if it[3] is not None:
                    yield "Tj", [it[3]]
            elif op in ("Tj", "TJ"):
                yield op, [it[1]]
            elif op == "Tm":
                yield op, list(it[1])
            elif op == "BTm":
                if it[2]:
                    yield "ET", []
                yield "BT", []
                yield "Tm", list(it[1])
            elif op in ("Td", "TD"):
                yield op, [it[1], it[2]]
            elif op == "L":
                yield from TextRun.expand(it).operators()
            else:
                yield op, []

    @staticmethod
    def expand(it) -> "TextRun":
        """A line (``("L", …)``) as the items it holds would be without it: its BTm, then
        its Tf and TJ items."""
        out = TextRun([("BTm", it[1], it[2])])
        out += it[3]
        return out


def batches(data: bytes, problem=None):
    """The operators of a content stream, as :func:`operations` yields them, but a run of
    plain text operators as one :class:`TextRun` of at most RUN items (the walk of a
    page reads a run in one loop) and any other operator as ``(operator, operands)``."""
    n = len(data)
    pos = 0
    operands: list = []
    stack: list = []           # open arrays and dictionaries: [items, is_dict]
    bi = False                 # between BI and ID: an inline image's dictionary
    special = _SPECIAL.search
    ops = _OPS
    numstart = _NUMSTART
    item = _ITEM.match
    scan = _ITEM.scanner
    escape = _escape_decode
    names: dict = {}           # the fonts a run selects, each name read once
    seen: dict = {}            # an operator's bytes → its item, as read before (see RUN)
    tj_lines = _tj_lines
    # The general path reads a segment (the bytes between two special characters) token by
    # token, and how it splits one into tokens depends on all of it (whether it holds "BI" or
    # "/"): ``seg_start`` is where the segment ``pos`` is in begins, when a run ended or the
    # general path stopped inside one (``inside``), and the rest is read as if it had been read
    # from there.
    seg_start, inside, found = 0, False, None
    while pos < n:
        if not inside:
            seg_start = pos
        inside = False
        if found is None and not operands and not stack and not bi:
            found = item(data, pos)
        if found is not None:
            # the general path's operators, read one regular expression match each, one
            # after the other (see _ITEM), at most RUN of them
            x, found = found, None
            out = TextRun()
            start = pos
            # the next operators matched where the one before ended, by a scanner (what
            # _ITEM.match(data, pos) gives, without setting the matcher up for each)
            following = scan(data, x.end()).match
            room = RUN
            line = None              # the strings of the line a BTm began (see TextRun)
            while True:
                end = None           # where the run read so far ends, when not at x.end()
                # an operator met before in this stream, written the same: the same item
                # (most of a page's strings are one glyph, shown again and again)
                whole = x.group()
                it = seen.get(whole)
                room -= 1
                if it is None:
                    nm, size, s, s1, arr, tm, td, et, btm, bt = x.groups()
                    if nm:
                        name = names.get(nm)
                        if name is None:
                            name = names[nm] = _name(nm)
                        if s:                         # "(…)" when a Tj follows, else b""
                            s = s[1:-1]
                            s = escape(s)[0] if 0x5C in s else s
                        else:
                            s = None
                        it = ("Tf", name, float(size), s)
                    elif s1:
                        s1 = s1[1:-1]
                        it = ("Tj", escape(s1)[0] if 0x5C in s1 else s1)
                    elif btm:
                        v = btm.split()
                        it = ("BTm", (float(v[0]), float(v[1]), float(v[2]), float(v[3]),
                                      float(v[4]), float(v[5])), et is not None)
                    elif bt:
                        it = (ops[bt],)
                    elif tm:
                        v = tm.split()
                        it = ("Tm", (float(v[0]), float(v[1]), float(v[2]), float(v[3]),
                                     float(v[4]), float(v[5])))
                    elif td:
                        v = td.split()
                        it = (ops[v[2]], float(v[0]), float(v[1]))
                    else:
                        els = [((escape(e[1:-1])[0] if 0x5C in e else e[1:-1]) if e
                                else float(x)) for e, x in _ELEMENT.findall(arr)]
                        if len(els) > MAX_OPERANDS:
                            yield out                 # what comes before it, then no further
                            raise Refused(f"an array of more than {MAX_OPERANDS} elements in "
                                          f"a content stream")
                        it = ("TJ", els)
                    if not arr and not btm and len(whole) <= SEEN_BYTES and \
                            len(seen) < SEEN_ITEMS:
                        seen[whole] = it              # (not a TJ: its list is the caller's)
                # a line: a BTm and the Tf, Tj and TJ after it (see TextRun)
                op = it[0]
                if op == "Tf" or op == "TJ":
                    if line is not None:
                        line.append(it)
                    else:
                        out.append(it)
                elif op == "BTm":
                    line = []
                    out.append(("L", it[1], it[2], line))
                else:
                    line = None
                    out.append(it)
                # the writer's strings, " /F1+0 9 Tf (…) Tj /F1+1 9 Tf (…) Tj", and the lines
                # of that shape after them, read in one step (see _tj_lines): the items
                # _ITEM would read there
                if room and data.startswith(b" /", x.end()):
                    got = tj_lines(data, x.end(), room)
                    if got is not None:
                        first, more, end, room = got
                        if line is not None:
                            line += first
                        else:
                            out += first
                        if more:
                            out += more
                            line = more[-1][3]
                        following = scan(data, end).match
                if not room:
                    break
                last_x, x = x, following()
                if x is None:
                    x = last_x
                    break
            pos = x.end() if end is None else end  # where the run's last operator ends
            yield out
            # the segment the general path would now be in begins after the run's last
            # string or array, if it has one (its names and numbers hold no special
            # character; its strings and arrays end with one)
            last = max(data.rfind(b")", start, pos), data.rfind(b"]", start, pos))
            if last >= 0:
                seg_start = last + 1
            inside = True
            continue
        m = special(data, pos)
        end = m.start() if m is not None else n
        lo = seg_start
        if end > pos:
            seg = data[pos:end]
            if bi or data.find(b"BI", lo, end) >= 0:
                # an inline image: the data after ID is found by position, token by token
                for t in _SPLIT.finditer(seg):
                    tok = t.group()
                    if bi and tok == b"ID":
                        d = {}
                        for k in range(0, len(operands) - 1, 2):
                            if isinstance(operands[k], str):
                                d[INLINE_KEYS.get(operands[k], operands[k])] = operands[k + 1]
                        start = pos + t.end()
                        if start < n and data[start] in b"\x00\t\n\x0c\r ":
                            start += 1
                        size = _inline_length(d)
                        e = None
                        if size is not None and start + size <= n:
                            e = _EI.search(data, max(start, start + size - 1))
                            if e is not None and e.start() > start + size + 2:
                                e = None
                            stop, stop_data = (e.end(), e.start()) if e else \
                                (start + size, start + size)
                        else:
                            e = _EI.search(data, start)
                            stop, stop_data = (e.end(), e.start()) if e else (n, n)
                        yield "BI", [d, data[start:stop_data]]
                        operands, stack, bi = [], [], False
                        pos = stop
                        break
                    if tok == b"BI" and not stack:
                        operands, bi = [], True
                        continue
                    val = _token(tok)
                    if val is _OP:
                        if bi:
                            continue
                        if stack:
                            if problem:
                                problem("an array or dictionary is not closed before an "
                                        "operator")
                            stack = []
                        yield tok.decode("latin-1"), operands
                        operands = []
                        continue
                    (stack[-1][0] if stack else operands).append(val)
                else:
                    pos = end
                if pos != end:
                    continue                  # past an inline image: look again from there
            else:
                # a name ends where the next begins: '/F1/F2', 'Tr/F1' are two tokens each
                # (_WORDS splits as bytes.split() does)
                for t in (_SPLIT if data.find(b"/", lo, end) >= 0 else _WORDS).finditer(
                        data, pos, end):
                    tok = t.group()
                    c = tok[0]
                    if c == 47:                               # a name
                        val = _name(tok)
                    elif c in numstart:
                        try:
                            val = float(tok)
                            if not -3.4e38 <= val <= 3.4e38 or 0x65 in tok or 0x45 in tok:
                                raise ValueError      # PDF numbers: no exponent, no infinity
                        except ValueError:
                            if problem:
                                problem(f"a number the PDF format does not allow: "
                                        f"{tok[:20].decode('latin-1')!r}")
                            val = 0.0
                    else:
                        op = ops.get(tok)
                        if op is None:
                            if tok in _KEYWORDS:
                                (stack[-1][0] if stack else operands).append(_KEYWORDS[tok])
                                continue
                            op = tok.decode("latin-1")
                        if stack:
                            if problem:
                                problem("an array or dictionary is not closed before an "
                                        "operator")
                            stack = []
                        yield op, operands
                        operands = []
                        found = item(data, t.end())
                        if found is not None:         # a run begins: read it as one
                            pos, inside = t.end(), True
                            break
                        continue
                    (stack[-1][0] if stack else operands).append(val)
                    if len(operands) > MAX_OPERANDS:
                        raise Refused(f"an operator with more than {MAX_OPERANDS} operands "
                                      f"in a content stream")
                if found is not None:
                    continue
            if m is None:
                break
        c = data[end]
        pos = end + 1
        if c == 0x28:                                         # (
            val, pos = _literal(data, pos)
        elif c == 0x25:                                       # % a comment
            e = _EOL.search(data, pos)
            pos = e.start() if e is not None else n
            continue
        elif c == 0x3C:                                       # < or <<
            if pos < n and data[pos] == 0x3C:
                pos += 1
                if len(stack) >= MAX_NESTING:
                    raise Refused(f"arrays or dictionaries nested more than {MAX_NESTING} "
                                  f"deep in a content stream")
                stack.append([[], True])
                continue
            e = data.find(b">", pos)
            e = n if e < 0 else e
            val = _hex(data[pos:e])
            pos = e + 1
        elif c == 0x5B:                                       # [
            if len(stack) >= MAX_NESTING:
                raise Refused(f"arrays or dictionaries nested more than {MAX_NESTING} deep "
                              f"in a content stream")
            stack.append([[], False])
            continue
        elif c == 0x5D or (c == 0x3E and pos < n and data[pos] == 0x3E):   # ] or >>
            is_dict = c == 0x3E
            if is_dict:
                pos += 1
            if not stack or stack[-1][1] != is_dict:
                if problem:
                    problem(f"a stray '{'>>' if is_dict else ']'}' in a content stream")
                continue
            items = stack.pop()[0]
            if is_dict:
                val = {items[k]: items[k + 1] for k in range(0, len(items) - 1, 2)
                       if isinstance(items[k], str)}
            else:
                val = items
            if len(items) > MAX_OPERANDS:
                raise Refused(f"an array of more than {MAX_OPERANDS} elements in a content "
                              f"stream")
        else:
            if problem:
                problem(f"a stray {chr(c)!r} in a content stream")
            continue
        (stack[-1][0] if stack else operands).append(val)
        if len(operands) > MAX_OPERANDS:
            raise Refused(f"an operator with more than {MAX_OPERANDS} operands in a content "
                          f"stream")


_OP = object()
# A run of plain text operators, read without the general path's token-by-token work (most of
# a newspaper page is ``BT … Tm /F1+3 9 Tf (\\207) Tj /F1+2 9 Tf (\\211) Tj … ET``): BT, ET,
# Tm, Td, TD, Tf, Tj and TJ whose operands are plain numbers (no exponent, at most 38 digits
# before the point: within the range the general path allows), names, strings with no escape
# but three-digit octal codes (as _literal's shortcut reads them), and for TJ an array of
# such strings and numbers; separated by the whitespace both of the general path's
# tokenisers treat as such (not NUL: one of them does not), each operator ending where the
# general path ends its token.  _ITEM matches one such operator (a Tf and the Tj after it
# in one match; a BT and the Tm after it, and the ET before them if there is one, in one
# match too: each part is what matching one operator at a time would match there), at the
# very place the previous one ended; anything else (a keyword, a
# dictionary, an inline image, a stray or nested delimiter, a comment) ends the run and is
# read by the general path.  At most RUN matches a run: a page is still read in constant
# memory.
RUN = 256
# Items kept by the bytes they were read from (an operator written the same way reads the
# same way: _ITEM matches at the very place it is asked to, and what it gives depends on its
# own bytes alone — its _END lookahead is met or not by the byte after them, which ends the
# run or begins the next item either way), at most SEEN_ITEMS of them, each of at most
# SEEN_BYTES: the items are tuples of numbers, names and bytes, shared by every place the
# operator is written; a TJ's array (a list) is not kept.
SEEN_ITEMS = 16384
SEEN_BYTES = 96
_WS = rb"[\t\n\x0b\x0c\r ]"
# The repetitions below are plain greedy ones.  Possessive ones (``*+``: what they take they
# never give back) give the same matches here with less work for the engine — what follows
# each never begins with what it takes — but Python 3.11.2 (Debian 12's, what a fresh
# machine builds with) matches possessive repetitions of groups wrongly: the sample page
# failed its own preflight there ("a stray ')' in a content stream").  The same matches on
# every Python come first (tests/test_pdfscan_python.py runs the scanner on the interpreter
# the tests run with, and bench/pdfscan_compare.py compares it with the old scanner).
_NUM = rb"[-+]?(?:\d{1,38}(?:\.\d*)?|\.\d+)"
# a string: plain runs and octal escapes, unrolled (Friedl) so that no text can be matched two
# ways — a nested repetition, (?:[^()\\]+|…)*, backtracks exponentially over a long string
# with no closing parenthesis (test_preflight_runs' fuzzing took most of an hour on 3.11.2)
_STR = rb"\([^()\\]*(?:\\[0-3][0-7][0-7][^()\\]*)*\)"
# the byte after an operator ends its token: a delimiter, whitespace (not NUL) or the end
_END = rb"(?![^\t\n\x0b\x0c\r ()<>\[\]{}%/])"
_ITEM = re.compile(
    _WS + rb"*(?:"
    rb"(/[^\x00\t\n\x0b\x0c\r /()<>\[\]{}%]*)" + _WS + rb"+(" + _NUM + rb")" + _WS +
    rb"+Tf" + _END +
    rb"(?:" + _WS + rb"*(" + _STR + rb")" + _WS + rb"*Tj" + _END + rb")?"
    rb"|(" + _STR + rb")" + _WS + rb"*Tj" + _END +
    rb"|(\[(?:" + _WS + rb"*(?:" + _STR + rb"|" + _NUM + rb"(?=[\t\n\x0b\x0c\r (\]])))*" +
    _WS + rb"*\])" + _WS + rb"*TJ" + _END +
    rb"|((?:" + _NUM + _WS + rb"+){6})Tm" + _END +
    rb"|((?:" + _NUM + _WS + rb"+){2}T[dD])" + _END +
    rb"|(?:(ET)" + _END + _WS + rb"*)?BT" + _END + _WS + rb"*((?:" + _NUM + _WS + rb"+){6})Tm" +
    _END +
    rb"|(BT|ET)" + _END + rb")")
_ELEMENT = re.compile(rb"(" + _STR + rb")|(" + _NUM + rb")")
_SPECIAL = re.compile(rb"[()<>\[\]{}%]")
_SPLIT = re.compile(rb"/[^\x00\t\n\x0b\x0c\r /]*|[^\x00\t\n\x0b\x0c\r /]+")
_WORDS = re.compile(rb"[^\t\n\x0b\x0c\r ]+")
_EOL = re.compile(rb"[\r\n]")
_NUMSTART = frozenset(b"0123456789+-.")
_OPS = {op.encode(): op for op in (
    "q Q cm w J j M d ri i gs m l c v y h re S s f F f* B B* b b* n W W* BT ET Tc Tw Tz TL Tf "
    "Tr Ts Td TD Tm T* Tj TJ ' \" d0 d1 CS cs SC SCN sc scn G g RG rg K k sh BI ID EI Do MP DP "
    "BMC BDC EMC BX EX").split()}


# _tj_lines: the writer's lines of strings (see there)
_TJ_SEP = b") Tj /"
_TJ_OPEN = b" Tf ("
_TJ_END = b") Tj ET"
_TJ_NEXT = b" ET\nBT "
_HEAD = re.compile(rb"([^\x00\t\n\x0b\x0c\r /()<>\[\]{}%]*) (" + _NUM + rb")")
_NUMBER = re.compile(_NUM)
_BAD_ESC = re.compile(rb"\\(?![0-3][0-7][0-7])")
# What _tj_lines has read, kept from one stream to the next (a piece of a line, a font's name
# and size, a number of a matrix: the same bytes are the same item, whatever file they are
# in), each at most LINE_MEMO entries (then emptied) of at most SEEN_BYTES: constant memory,
# about 6 MB at most
LINE_MEMO = 16384
_PIECES: dict = {}          # "F1+0 9 Tf (\\001" → ("Tf", "/F1+0", 9.0, b"\x01")
_HEADS: dict = {}           # "F1+0 9" → ("/F1+0", 9.0), or False
_NUMBERS: dict = {}         # b"78.69685" → 78.69685, or False


def _tj_lines(data: bytes, q: int, room: int):
    """The items _ITEM would read one at a time from ``q`` (right after an item) where what
    follows has the writer's very shape — `` /F1+0 9 Tf (…) Tj /F1+1 9 Tf (…) Tj ET`` up to
    the line feed or the end of the data: one space between the parts, each string with no
    parenthesis and no escape but three-digit octal codes up to \\377 —: its pieces (a Tf
    and its Tj) up to the first that is not in that shape, and when all of the line's are,
    the lines after it of the same shape, each ``BT a b c d e f Tm`` and its pieces: as (the
    Tf items read from ``q``, the lines after it as TextRun gives them — ``("L", matrix,
    True, items)`` —, where the last Tj read ends, the room left); or None when not one
    piece was read.  At most ``room`` items; _ITEM reads on from where this stops.

    Why they are the same items: in that shape each part is what _ITEM matches there, the
    first alternative that matches (a name of its characters, one space, a number, " Tf",
    one space, a string, one space, "Tj" ended by a space; " ET", a line feed, "BT", one
    space, six numbers and "Tm" ended by a space), each string ending at its first ')' as
    _ITEM's string does (a piece read holds no parenthesis but its one '(', so what it is
    split from is its own ") Tj /"), and every backslash begins a three-digit octal code
    (_BAD_ESC: a piece is kept in the memo only once it has passed, and the separators hold
    no backslash); each number one _NUM matches whole.  Its values are made as the run makes
    them (the same _name, float and escape_decode, from the same bytes)."""
    pieces_memo, heads, numbers = _PIECES, _HEADS, _NUMBERS
    get = pieces_memo.get
    first = None
    more: list = []
    n = len(data)
    stop = -1
    btm = 0                     # the line's BT … Tm, an item of its own but the first line's
    while True:
        e = data.find(b"\n", q)
        if e < 0:
            e = n
        if not data.startswith(b" /", q, e):
            break
        pieces = data[q + 2:e].split(_TJ_SEP)       # "F1+0 9 Tf (…", …, "…(…) Tj ET"
        whole = pieces[-1].endswith(_TJ_END)
        if whole:
            pieces[-1] = pieces[-1][:-7]
        else:
            del pieces[-1]                          # not followed by ") Tj /": not read here
        k = len(pieces)
        if k + btm > room:
            k = room - btm
            whole = False
            if k <= 0:
                break
            del pieces[k:]
        items = [get(p) for p in pieces]
        if None in items:
            for i, it in enumerate(items):
                if it is not None:
                    continue
                p = pieces[i]
                head, sep, s = p.partition(_TJ_OPEN)
                hv = False
                if sep and 0x28 not in s and 0x29 not in s and 0x29 not in head and \
                        (0x5C not in p or _BAD_ESC.search(p) is None):
                    hv = heads.get(head)
                    if hv is None:
                        m = _HEAD.fullmatch(head)
                        hv = (_name(b"/" + m.group(1)), float(m.group(2))) \
                            if m is not None else False
                        if len(head) <= SEEN_BYTES:
                            if len(heads) >= LINE_MEMO:
                                heads.clear()
                            heads[head] = hv
                if hv is False:
                    # read up to this piece, then _ITEM reads on
                    whole = False
                    k = i
                    del items[i:]
                    break
                it = items[i] = ("Tf", hv[0], hv[1], _escape_decode(s)[0] if 0x5C in s else s)
                if len(p) <= SEEN_BYTES:
                    if len(pieces_memo) >= LINE_MEMO:
                        pieces_memo.clear()
                    pieces_memo[p] = it
        if k == 0:
            break                                   # (a line's BT … Tm is left to _ITEM)
        room -= k + btm
        if whole:
            stop = e - 3                            # right after the last Tj
        else:                                       # after the k-th piece's ") Tj"
            stop = q + 2 + sum(map(len, pieces[:k])) + 6 * k - 2
        if first is None:
            first = items
        else:
            more.append(("L", mtx, True, items))
        # the next line: " ET\nBT a b c d e f Tm /…"
        if not whole or room < 2 or not data.startswith(_TJ_NEXT, stop):
            break
        t = data.find(b" Tm /", stop + 7, e + 48)
        if t < 0:
            break
        if data.startswith(b"1 0 0 1 ", stop + 7, t):
            # the writer's matrix: only e and f to read (the same floats as below)
            v = data[stop + 15:t].split(b" ")
            if len(v) != 2:
                break
            e_, f_ = numbers.get(v[0]), numbers.get(v[1])
            if e_ is not None and f_ is not None and e_ is not False and f_ is not False:
                mtx = (1.0, 0.0, 0.0, 1.0, e_, f_)
                btm = 1
                q = t + 3
                continue
            v = [b"1", b"0", b"0", b"1"] + v
        else:
            v = data[stop + 7:t].split(b" ")
        if len(v) != 6:
            break
        mtx = []
        for tok in v:
            x = numbers.get(tok)
            if x is None:
                x = float(tok) if _NUMBER.fullmatch(tok) else False
                if len(tok) <= SEEN_BYTES:
                    if len(numbers) >= LINE_MEMO:
                        numbers.clear()
                    numbers[tok] = x
            if x is False:
                break
            mtx.append(x)
        if len(mtx) != 6:
            break
        mtx = tuple(mtx)
        btm = 1
        q = t + 3
    if first is None:
        return None
    return first, more, stop, room


def _token(tok: bytes):
    """A regular token's value: a name, a number, true/false/null, or _OP (an operator)."""
    c = tok[0]
    if c == 47:
        return _name(tok)
    if c in _NUMSTART:
        try:
            v = float(tok)
            if -3.4e38 <= v <= 3.4e38 and 0x65 not in tok and 0x45 not in tok:
                return v
        except ValueError:
            pass
        return 0.0
    if tok in _KEYWORDS:
        return _KEYWORDS[tok]
    return _OP
