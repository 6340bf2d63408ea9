"""designer.text: the quick answers for texts with nothing to escape give what the
patterns give."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from designer import text

UNSAFE = re.compile(text._UNSAFE.pattern)
JSON_UNSAFE = re.compile(text._JSON_UNSAFE.pattern)


def _printable_by_pattern(value: str) -> str:
    return UNSAFE.sub(text._escape, value)


def _json_printable_by_pattern(value: str) -> str:
    return JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def test_every_character_the_patterns_escape_is_one_the_quick_tests_let_through() -> None:
    """Each character of the whole Unicode range, alone and inside printable text, is
    shown as the patterns show it: ``printable`` skips its search only for what
    ``str.isprintable`` accepts, ``json_printable`` only for ASCII without DEL."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if UNSAFE.match(char):
            assert not char.isprintable(), hex(code)
            assert text.printable(f"a{char}b") == _printable_by_pattern(f"a{char}b") != f"a{char}b"
        if JSON_UNSAFE.match(char):
            assert not (char.isascii() and char != "\x7f"), hex(code)
            value = f'"{char}"'
            assert text.json_printable(value) == _json_printable_by_pattern(value) != value


_ALPHABET = st.characters(codec=None) | st.sampled_from(
    "\x00\x1b\n\t\x7f\x85\u061c\u200e\u2028\u202e\u2066\ud800\udc80 aZ\\é\u00a0"
)


@given(st.text(_ALPHABET, max_size=40))
def test_printable_is_what_the_pattern_makes_of_any_text(value: str) -> None:
    assert text.printable(value) == _printable_by_pattern(value)
    assert text.json_printable(value) == _json_printable_by_pattern(value)
