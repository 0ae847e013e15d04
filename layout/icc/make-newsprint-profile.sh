#!/usr/bin/env bash
# Rebuild layout/icc/typeset-newsprint-TR002-TAC240.icc from Debian packages (bookworm):
#   icc-profiles-free 2.0.1+dfsg-1.1  ->  /usr/share/color/icc/TR002.ti3  (the measurements)
#   argyll 2.3.1+repack-1.1+b1        ->  colprof (the profile maker), ref/sRGB.icm
# Takes about a minute.  The profile is committed; this script only documents how it was made.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
if [ -f /usr/share/color/icc/TR002.ti3 ]; then
  cp /usr/share/color/icc/TR002.ti3 .
else
  apt-get download icc-profiles-free >/dev/null
  dpkg-deb -x icc-profiles-free_*.deb pkg
  cp pkg/usr/share/color/icc/TR002.ti3 .
fi
echo "bcb14f76be42ebaa53cebdea3ae532af4c7717e7429d279323f7db8ad4a0b9d0  TR002.ti3" | sha256sum -c -
command -v colprof >/dev/null || { echo "colprof missing: apt-get install argyll" >&2; exit 1; }
cp TR002.ti3 newsprint.ti3
# -qm -bm   medium quality A2B and B2A tables
# -nc       do not copy the measurements into the profile
# -kr -L100 black generation: Argyll's default ramp, black up to 100 %
# -l240     total ink limit 240 % (newsprint coldset)
# -S sRGB   perceptual/saturation tables gamut-mapped from sRGB (for converting photos)
# -cmt -dpp viewing conditions: typical monitor → practical reflection print
# -Zm       media attribute: matte
colprof -qm -bm -nc -kr -L100 -l240 -Zm \
  -S /usr/share/color/argyll/ref/sRGB.icm -cmt -dpp \
  -D "Based on CGATS TR 002: typeset newsprint coldset, TAC 240%" \
  -C "Profile: zlib licence, typeset project. Data: ANSI CGATS/SNAP TR 002-2007, NPES" \
  newsprint
# The ICC registry asks profiles made from registered data to carry the charTargetTag
# 'targ' = "ICCHDAT <reference name>" (and the name in the description, done above).
python3 - newsprint.icc <<'PY'
import struct, sys
path = sys.argv[1]
d = bytearray(open(path, "rb").read())
n = struct.unpack(">I", d[128:132])[0]
tags = [struct.unpack(">4sII", d[132 + 12 * i:144 + 12 * i]) for i in range(n)]
assert all(sig != b"targ" for sig, _, _ in tags)
text = b"text" + b"\0" * 4 + b"ICCHDAT CGATS TR 002\0"
entries = [(sig, bytes(d[off:off + size]), (off, size)) for sig, off, size in tags]
entries.append((b"targ", text, ("new", len(text))))
pos = 128 + 4 + 12 * len(entries)
table, body, placed = b"", b"", {}
for sig, blob, key in entries:       # tags that shared data keep sharing it
    if key not in placed:
        pad = (-pos) % 4
        body += b"\0" * pad
        pos += pad
        placed[key] = pos
        body += blob
        pos += len(blob)
    table += struct.pack(">4sII", sig, placed[key], len(blob))
out = bytearray(d[:128]) + struct.pack(">I", len(entries)) + table + body
out += b"\0" * ((-len(out)) % 4)
out[0:4] = struct.pack(">I", len(out))
open(path, "wb").write(out)
PY
cp newsprint.icc "$here/typeset-newsprint-TR002-TAC240.icc"
sha256sum "$here/typeset-newsprint-TR002-TAC240.icc"
