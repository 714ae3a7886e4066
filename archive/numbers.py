"""Whole numbers from query strings: ASCII digits only.

`"²".isdigit()` is true and `int("²")` raises, and `int("١٢")` quietly reads Arabic-Indic
digits: every number a URL carries goes through here, so neither can reach `int()`.
"""

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")


def ascii_whole_number(value, max_digits):
    """The number `value` spells in at most `max_digits` ASCII digits, else None."""
    if not value or len(value) > max_digits or not _ASCII_DIGITS.fullmatch(value):
        return None
    return int(value)
