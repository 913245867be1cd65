"""Code colours as other tools write them -> Dossier's ``#rrggbb``.

The schema allows ``#RRGGBB`` and ``#RGB``; real files also carry an alpha channel,
mostly first (``#AARRGGBB``, the .NET colour form of NVivo and ATLAS.ti), sometimes last
(``#RRGGBBAA``, CSS). Alpha is dropped: Dossier draws its own transparency.
"""

from __future__ import annotations

import re

_HEX = re.compile(r"#?([0-9a-fA-F]{3,8})")


def parse_colour(value: str | None) -> tuple[str, str]:
    """``(colour, problem)``: ``"#rrggbb"`` or ``""`` (no colour), and a reason when
    ``value`` was given but is not a colour."""
    text = (value or "").strip()
    if not text:
        return "", ""
    match = _HEX.fullmatch(text)
    digits = match.group(1).lower() if match else ""
    if len(digits) == 3:
        return "#" + "".join(c * 2 for c in digits), ""
    if len(digits) == 4:  # #ARGB, or #RGBA when the first digit is not an alpha
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 6:
        return "#" + digits, ""
    if len(digits) == 8:
        alpha_last = digits[:2] != "ff" and digits[6:] == "ff"
        return "#" + (digits[:6] if alpha_last else digits[2:]), ""
    return "", f"colour {text!r} is not #RRGGBB, #RGB or one with alpha; left without colour"
