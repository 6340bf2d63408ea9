"""Text that reaches a terminal, a log or a markup document, made safe to show.

Element names, file names and values come from design files, which may be hostile: a
name can hold ESC sequences that repaint the terminal, a newline that forges a finding
line, bidi overrides that reverse what is read, or 100,000 characters. Every text
output passes such values through :func:`printable`; every message that quotes a value
uses :func:`quote`, which also caps its length.

This module depends on nothing else of the designer, so every layer may use it.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing itself is not imported: `--help` starts without it
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "QUOTE_LIMIT",
    "json_printable",
    "printable",
    "printable_data",
    "quote",
    "shorten",
    "xml_safe",
]


class _Pattern:
    """A regular expression compiled when first used: the character classes below cost
    ~3 ms to compile, which ``dr-designer --help`` (it imports this module through
    :mod:`designer.streams`) does not need."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern)
        return compiled


#: The most characters of a value a message quotes.
QUOTE_LIMIT = 200

#: C0 and C1 controls, DEL, the bidi embeddings/overrides/isolates and marks, the line
#: and paragraph separators, and lone surrogates (undecodable bytes of a file name).
_UNSAFE = _Pattern(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: What json.dumps leaves raw of those (it escapes C0 controls itself; a newline
#: outside strings is the layout of the document).
_JSON_UNSAFE = _Pattern(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` with control, bidi and separator characters shown as escapes.

    Ordinary text (any script, emoji, backslashes) is returned unchanged, so names
    read as typed; only what a terminal would act on is made visible.

    Examples
    --------
    >>> printable("DB01\nx.json: info FAKE001: all good")
    'DB01\\nx.json: info FAKE001: all good'
    >>> printable("evil\x1b[2J\u202egnp.exe")
    'evil\\x1b[2J\\u202egnp.exe'
    >>> printable("Zürich \\\\fs01\\share")
    'Zürich \\\\fs01\\share'
    """
    # Every character of _UNSAFE is one str.isprintable() refuses (controls, format
    # characters, separators, surrogates): most texts need no search, and a command
    # whose texts are all printable does not compile the pattern (~0.4 ms of check).
    if text.isprintable() or _UNSAFE.compiled.search(text) is None:
        return text
    return _UNSAFE.compiled.sub(_escape, text)


def json_printable(text: str) -> str:
    r"""JSON text (from ``json.dumps(..., ensure_ascii=False)``) with what a terminal
    acts on written as ``\uXXXX`` escapes: json.dumps escapes C0 controls but leaves
    DEL, C1 controls, bidi controls and line separators raw. They occur only inside
    strings, where the escape is the same character to a JSON reader.

    Examples
    --------
    >>> json_printable('{"name": "DB1\u202egnp"}')
    '{"name": "DB1\\u202egnp"}'
    """
    # ASCII text has no character of _JSON_UNSAFE but DEL.
    if (text.isascii() and "\x7f" not in text) or _JSON_UNSAFE.compiled.search(text) is None:
        return text
    return _JSON_UNSAFE.compiled.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable_data(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings) with every string made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: printable_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(item) for item in value]
    return value


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how many more there were.

    Examples
    --------
    >>> shorten("x" * 250, 10)
    'xxxxxxxxxx… (240 more characters)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)`` for a message: escaped, and at most about ``limit`` characters.

    Examples
    --------
    >>> quote("dr-designer")
    "'dr-designer'"
    >>> quote("a" * 1000, 5)
    "'aaaaa'… (995 more characters)"
    >>> quote(list(range(1000)), 12)
    '[0, 1, 2, 3,… (4,878 more characters)'
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{printable(repr(value[:limit]))}… ({len(value) - limit:,} more characters)"
    text = printable(repr(value))
    return shorten(text, limit)


#: Characters XML 1.0 does not allow at all, not even as character references.
_NOT_XML = _Pattern("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_REF = _Pattern(
    r"&#(?:x0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])|0*(?:[0-8]|1[1-24-9]|2[0-9]|3[01]));"
)


def xml_safe(text: str) -> str:
    """``text`` (an XML document) without the characters XML 1.0 forbids, raw or as
    character references; each becomes U+FFFD so the document stays well-formed.

    Examples
    --------
    >>> xml_safe("<t>a\x1bb&#x1b;c&#27;&#10;</t>")
    '<t>a\ufffdb\ufffdc\ufffd&#10;</t>'
    """
    return _NOT_XML_REF.compiled.sub("\ufffd", _NOT_XML.compiled.sub("\ufffd", text))
