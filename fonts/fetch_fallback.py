#!/usr/bin/env python3
"""Fetch the fallback faces for characters outside the committed fonts (CJK Extensions A–F).

Usage::

    python fonts/fetch_fallback.py [--out fonts/] [--mirror http://deb.debian.org/debian]

Downloads Debian's ``fonts-hanazono`` package (HanaMin A and B, the GlyphWiki project's Mincho
faces: 41,494 and 60,418 characters, every character of CJK Extensions A and B, and most of
C–F) from the Debian archive, checks it against the pinned SHA-256, and writes
``HanaMinA.ttf`` and ``HanaMinB.ttf`` into the fonts folder, each checked against its own
pinned SHA-256.  Nothing else is installed; no Debian tools are needed (the package is read
with the standard library).  The fonts are not committed (53 MB); ``make`` runs this script,
and does nothing when the files are there with the right checksums.

Licence: the Hanazono fonts are dual-licensed, under the Hanazono Font License or the SIL
Open Font License 1.1 (``LICENSE-Hanazono.txt``, Debian's copyright file of the package).
They are used unmodified.
"""

import argparse
import hashlib
import io
import lzma
import os
import sys
import tarfile
import urllib.request

PACKAGE = "fonts-hanazono"
VERSION = "20170904-2.1"
POOL = "pool/main/f/fonts-hanazono/fonts-hanazono_20170904-2.1_all.deb"
DEB_SHA256 = "a6943366b4f5a6cec34221f8b4eb22555a628f0ee6ef4e3d3401cabe9363aeae"
DEB_SIZE = 22250332
FILES = {   # file in the package → (name in fonts/, SHA-256)
    "./usr/share/fonts/truetype/hanazono/HanaMinA.ttf":
        ("HanaMinA.ttf", "7ca87559414474848fc513a8d8eb42d5b0f8194c30c2abdfbfedff5398ec88d7"),
    "./usr/share/fonts/truetype/hanazono/HanaMinB.ttf":
        ("HanaMinB.ttf", "829543436cdf7b4c6730e2af5806fa406f8ddf0d4b656e0cd49c58d4db1c8d3c"),
}
MIRROR = "http://deb.debian.org/debian"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def ar_members(data: bytes) -> dict:
    """The members of a Debian package (an ``ar`` archive): {name: bytes}."""
    if data[:8] != b"!<arch>\n":
        raise SystemExit("the download is not a Debian package")
    out, at = {}, 8
    while at + 60 <= len(data):
        head = data[at:at + 60]
        name = head[:16].decode("ascii").strip().rstrip("/")
        size = int(head[48:58].decode("ascii").strip())
        out[name] = data[at + 60:at + 60 + size]
        at += 60 + size + (size & 1)
    return out


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=here, help="fonts folder (default: %(default)s)")
    ap.add_argument("--mirror", default=os.environ.get("DEBIAN_MIRROR", MIRROR),
                    help="Debian mirror (default: $DEBIAN_MIRROR or %(default)s)")
    ap.add_argument("--deb", help="use this downloaded .deb instead of downloading it")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    want = {name: digest for name, digest in FILES.values()}
    if all(file_sha256(os.path.join(a.out, n)) == d for n, d in want.items()):
        return 0
    if a.deb:
        with open(a.deb, "rb") as fh:
            deb = fh.read()
    else:
        url = f"{a.mirror.rstrip('/')}/{POOL}"
        print(f"fetching {PACKAGE} {VERSION} ({DEB_SIZE / 1e6:.0f} MB) from {url}",
              file=sys.stderr)
        try:
            with urllib.request.urlopen(url, timeout=120) as r:
                deb = r.read()
        except OSError as e:
            raise SystemExit(f"cannot download {url}: {e} (give another --mirror, or "
                             f"--deb FILE after `apt-get download {PACKAGE}={VERSION}`)")
    if sha256(deb) != DEB_SHA256:
        raise SystemExit(f"{PACKAGE} {VERSION}: SHA-256 {sha256(deb)}, expected {DEB_SHA256}; "
                         "nothing written")
    members = ar_members(deb)
    data = next((v for k, v in members.items() if k.startswith("data.tar")), None)
    if data is None:
        raise SystemExit("the package holds no data.tar")
    raw = lzma.decompress(data) if data[:6] == b"\xfd7zXZ\x00" else data
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        for member, (name, digest) in FILES.items():
            body = tar.extractfile(member).read()
            if sha256(body) != digest:
                raise SystemExit(f"{name} in the package: SHA-256 {sha256(body)}, expected "
                                 f"{digest}; nothing written")
            dst = os.path.join(a.out, name)
            tmp = f"{dst}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(body)
            os.replace(tmp, dst)
            print(f"{name}: {len(body):,} bytes, sha256 {digest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
