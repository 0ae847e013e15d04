"""Lengths and type sizes: '270mm', '9pt', '3.5cm', '1.5em', '小五' → points.

CLREQ §considerations_in_designing_type_area gives the 号 ↔ pt table (typography.md §1.9).
"""

from __future__ import annotations

import re

from .i18n import _

MM = 72.0 / 25.4

# CLREQ's table; 小初 is not in it and 36 pt is the common value (typography.md §1.9).
HAO = {
    "初号": 42.0, "小初": 36.0, "一号": 27.5, "小一": 24.0, "二号": 22.0, "小二": 18.0,
    "三号": 16.0, "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5, "小五": 9.0,
    "六号": 7.875, "小六": 6.5, "七号": 5.25, "八号": 5.0,
}

_LEN = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|pt|in|em)?\s*$")


class UnitError(ValueError):
    pass


def length(value, em: float | None = None) -> float:
    """Convert a length to points; a bare number is points, 'em' needs ``em``."""
    if isinstance(value, bool):
        raise UnitError(_("expected a length such as '3mm' or '9pt', found {value}").format(
            value=repr(value)))
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        raise UnitError(_("expected a length such as '3mm' or '9pt', found {value}").format(
            value=repr(value)))
    m = _LEN.match(value)
    if not m:
        raise UnitError(_("expected a length such as '3mm' or '9pt', found {value}").format(
            value=repr(value)))
    num, unit = float(m.group(1)), m.group(2) or "pt"
    if unit == "mm":
        return num * MM
    if unit == "cm":
        return num * 10 * MM
    if unit == "in":
        return num * 72.0
    if unit == "em":
        if em is None:
            raise UnitError(_("'{value}': em is not allowed here").format(value=value))
        return num * em
    return num


def type_size(value) -> float:
    """A type size in points: '小五', '五号', '9pt' or a number."""
    if isinstance(value, str) and value.strip() in HAO:
        return HAO[value.strip()]
    try:
        return length(value)
    except UnitError:
        raise UnitError(_("expected a type size such as '小五', '二号' or '18pt', found "
                          "{value}").format(value=repr(value))) from None
