"""Every parser step is linear: a crafted 500 kB dump costs about 100 times a 5 kB one.

Each shape repeats one unit that once made a step rescan what it had seen (an author note
of initials, card starts with no end, list items...). Times are medians of several runs,
compared as a ratio measured in the same run, never as absolute times.
"""

import gc
import statistics
import time

import pytest

from archive.importing.decode import decode_dump
from archive.importing.parse import parse_dump

SMALL, LARGE = 5_000, 500_000
MAX_RATIO = 150  # linear is 100; the margin absorbs a noisy, shared machine

HEADER = (
    "Maritime Awareness in the Indian Ocean\n\nBy Dr. Asha Rao\n15 March 2020\n\n"
    "The Quad foreign ministers met in Tokyo and agreed to expand maritime awareness.\n\n"
)
DAMAGED_HEADER = HEADER.replace("Maritime Awareness in the", "Maritime Awareness In The")
SHAPES = {
    # name: (text before, the unit repeated, text after)
    "author note of initials": (HEADER + "*** The author is ", "A. ", "***\n"),
    "author note of sentences": (
        HEADER + "*** The author is a Fellow at X. ",
        "He was a Fellow at the Y Institute, Delhi (2010-2012). ",
        "***\n",
    ),
    "quiz lines": (HEADER, "quiz\n", ""),
    "card starts without an end": (HEADER, "mock\nA question?\n", ""),
    "bullets": (HEADER, "- Defence: an item of the list\n", ""),
    "numbered items": (HEADER, "1. an item of the list\n", ""),
    "headings": (HEADER, "A Short Heading\n\nA paragraph under it.\n\n", ""),
    "one paragraph of lines": (HEADER, "A sentence on one line.\n", ""),
    "one long line": (HEADER, "word ", "\n"),
    "note markers": (HEADER, "*** x\n", ""),
    "unclosed parentheses": (HEADER + "*** The author is a Fellow at X ", "(", "***\n"),
    "title words repeated in the body": (DAMAGED_HEADER, "Maritime Awareness Indian ", "\n"),
    "a list of links": (HEADER + "Read more:\n", "A Title of a Linked Article\n", ""),
    "a closing note of clauses": (
        HEADER + "Asha Rao is a Fellow at the X Institute, Delhi",
        ", and was previously a Fellow at the Y Foundation (2010-2012)",
        ".\n",
    ),
    "one long word": (HEADER, "w", "\n"),
    "footnote markers": (HEADER + "A sentence", "¹[1]", " and more\n"),
    "header counters": (
        "Maritime Awareness in the Indian Ocean\nBy Dr. Asha Rao\n",
        "10 views\n",
        "15 March 2020\n\nThe Quad foreign ministers met in Tokyo.\n",
    ),
}


def dump(shape, size):
    before, unit, after = (part.encode() for part in SHAPES[shape])
    data = before + unit * ((size - len(before) - len(after)) // len(unit)) + after
    assert size * 0.95 < len(data) <= size
    return data


def cost(data):
    gc.collect()  # each run starts from the same heap, not from the last run's garbage
    start = time.perf_counter()
    parse_dump(decode_dump(data, "adversarial.txt"), "adversarial.txt")
    return time.perf_counter() - start


@pytest.mark.parametrize("shape", SHAPES)
def test_a_crafted_dump_costs_in_proportion_to_its_size(shape):
    small, large = dump(shape, SMALL), dump(shape, LARGE)
    cost(small)  # warm up: compiled patterns, dateparser's tables
    small_costs, large_costs = [], []
    for _ in range(3):  # interleaved, so that a busy moment slows both sizes
        small_costs.extend(cost(small) for _ in range(5))
        large_costs.append(cost(large))
    ratio = statistics.median(large_costs) / statistics.median(small_costs)
    print(f"{shape}: {statistics.median(small_costs) * 1e3:.1f} ms, ratio {ratio:.0f}")
    assert ratio <= MAX_RATIO, f"{shape}: 100 times the size cost {ratio:.0f} times the time"
