"""Cell values as the sources write them: whole numbers with thousands separators,
.NET ``TimeSpan`` (``7.00:00:00``), PowerShell booleans, Exchange sizes
(``1.5 GB (1,610,612,736 bytes)``), key/value lists (``[EX01, 1] [EX02, 2]``).

Each parser returns the value or raises :class:`ValueError` with a sentence the import
report shows next to the file, row and column.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = [
    "dotnet_type_name",
    "parse_bool",
    "parse_float",
    "parse_int",
    "parse_list",
    "parse_pairs",
    "parse_size_gb",
    "parse_timespan_days",
]

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def _show(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "…")


def parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{_show(value)} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "")
        if not _NUMBER.match(text):
            raise ValueError(f"{_show(value)} is not a number")
        number = float(text.replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(f"{_show(value)} is not a finite number")
    return number


def parse_int(value: Any) -> int:
    number = parse_float(value)
    if not number.is_integer():
        raise ValueError(f"{_show(value)} is not a whole number")
    return int(number)


_TRUE = {"true", "yes", "1", "$true", "on", "enabled"}
_FALSE = {"false", "no", "0", "$false", "off", "disabled"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{_show(value)} is not true or false")


_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$")


def parse_timespan_days(value: Any) -> float:
    """A .NET TimeSpan (``d.hh:mm:ss``, ``hh:mm:ss``) in days; a bare number is days."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        days = float(value)
    else:
        text = str(value).strip()
        match = _TIMESPAN.match(text)
        if match is None:
            try:
                days = parse_float(text)
            except ValueError:
                raise ValueError(f"{_show(value)} is not a time span (days.hh:mm:ss)") from None
        else:
            d, h, m, s, frac = match.groups()
            if int(h) > 23 or int(m) > 59 or int(s) > 59:
                raise ValueError(f"{_show(value)} is not a time span (days.hh:mm:ss)")
            seconds = int(h) * 3600 + int(m) * 60 + int(s) + float(f"0.{frac or 0}")
            days = int(d or 0) + seconds / 86400
    if days < 0 or not math.isfinite(days):
        raise ValueError(f"{_show(value)} is not a time span of zero or more")
    return days


_SIZE = re.compile(r"^([\d.,]+)\s*(B|KB|MB|GB|TB|PB)\b", re.IGNORECASE)
_BYTES = re.compile(r"\(([\d,]+) bytes\)")
_UNIT = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4, "PB": 1024**5}


def parse_size_gb(value: Any) -> float:
    """An Exchange ``ByteQuantifiedSize`` (``1.5 GB (1,610,612,736 bytes)``) in GB."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    exact = _BYTES.search(text)
    if exact:
        return int(exact.group(1).replace(",", "")) / 1024**3
    match = _SIZE.match(text)
    if match:
        return parse_float(match.group(1)) * _UNIT[match.group(2).upper()] / 1024**3
    raise ValueError(f"{_show(value)} is not a size such as '120.5 GB (129,386,414,080 bytes)'")


def dotnet_type_name(value: Any) -> bool:
    """True for what Export-Csv writes for a multi-valued property it cannot flatten
    (``System.Collections.ArrayList``, ``Microsoft.Exchange.Data.MultiValuedProperty…``)."""
    text = str(value).strip()
    return text.startswith(("System.", "Microsoft.Exchange.", "Deserialized.")) and " " not in text


def parse_list(value: Any) -> list[str]:
    """A list as people flatten it for Export-Csv: ``{A, B}``, ``A;B``, ``A B``."""
    if dotnet_type_name(value):
        raise ValueError(
            f"holds the .NET type name {_show(value)}, not the values: export the column "
            "with @{n='Servers';e={$_.Servers -join ';'}}"
        )
    text = str(value).strip().strip("{}")
    parts = re.split(r"[;,\s]+", text)
    return [p for p in (part.strip().strip("'\"") for part in parts) if p]


_PAIR = re.compile(r"\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]")


def parse_pairs(value: Any) -> list[tuple[str, str]]:
    """Key/value lists: ``{[EX01, 1], [EX02, 2]}`` (how Exchange prints
    ActivationPreference and ReplayLagTimes) or ``EX01=1;EX02=2``."""
    if dotnet_type_name(value):
        raise ValueError(
            f"holds the .NET type name {_show(value)}, not the values: export the column "
            "with @{n='ActivationPreference';e={$_.ActivationPreference -join ';'}}"
        )
    text = str(value)
    pairs = [(k.strip(), v.strip()) for k, v in _PAIR.findall(text)]
    if pairs:
        return pairs
    found: list[tuple[str, str]] = []
    for part in re.split(r"[;,]", text.strip().strip("{}")):
        if "=" in part:
            key, _, val = part.partition("=")
            found.append((key.strip(), val.strip()))
        elif part.strip():
            raise ValueError(f"{_show(value)} is not a list of [server, value] pairs")
    return found
