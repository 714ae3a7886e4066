"""The phone Lighthouse simulates is the same on a slow host as on the one its 4x assumes."""

import pytest

from bench.lighthouse import cpu_slowdown


@pytest.mark.parametrize(
    ("benchmark_index", "slowdown"),
    [(2400, 4), (1500, 4), (750, 2.0), (690, 1.84), (200, 1.0), (0, 4), (None, 4)],
)
def test_a_slower_host_slows_the_phones_cpu_less(benchmark_index, slowdown):
    assert cpu_slowdown(benchmark_index) == slowdown
