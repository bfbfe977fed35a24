"""The check character of mainland resident ID numbers (GB 11643-1999).

One place for it: intake validates bank files with it, the front desk
validates visitors' ID cards, and demo/benchmark/test data generate numbers
with it.
"""

from __future__ import annotations

import operator

# Weights of the first 17 digits, and the check character for each remainder mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ZEROS_OFFSET = 48 * sum(_WEIGHTS)  # the weighted sum of 17 ASCII "0"s


def resident_id_check_character(first17: str) -> str:
    """The 18th character for 17 ASCII digits; '' when they are not ASCII digits.

    Computed over the ASCII codes with `map` (in C), less the sum for "0"s: the
    intake checks ~100,000 numbers per file.
    """
    try:
        codes = first17.encode("ascii")
    except UnicodeEncodeError:
        return ""  # other scripts' digits (\d matches them): never a valid check character
    if len(codes) != 17 or not codes.isdigit():
        return ""
    return _CHECK[(sum(map(operator.mul, codes, _WEIGHTS)) - _ZEROS_OFFSET) % 11]


def resident_id_with_check(first17: str) -> str:
    """17 digits + their check character (for generated demo and test data)."""
    return first17 + resident_id_check_character(first17)
