"""Before and after answer in turn, page by page, neither always first."""

import pytest

from bench import interleave


class FakeServer:
    def __init__(self, name, log, ms, status=200):
        self.name, self.log, self.ms, self.status = name, log, ms, status

    def get(self, path):
        self.log.append((self.name, path))
        return self.status, self.ms / 1000, {}


def test_the_servers_answer_in_turn_and_swap_who_goes_first():
    log = []
    servers = {"before": FakeServer("before", log, 80), "after": FakeServer("after", log, 20)}
    samples = interleave.alternate(servers, ["/a/", "/b/"], seconds=0, min_rounds=4)
    assert log[:4] == [("before", "/a/"), ("after", "/a/"), ("before", "/b/"), ("after", "/b/")]
    assert (
        log[4:]
        == [
            ("before", "/a/"),
            ("after", "/a/"),
            ("after", "/b/"),
            ("before", "/b/"),
        ]
        * 2
    )
    assert samples == {"before": [80.0] * 4, "after": [20.0] * 4}
    [(kind, before, after, ratio, n)] = interleave.rows({"common": samples})
    assert (kind, before, after, ratio, n) == ("common", 80.0, 20.0, 4.0, 4)


def test_a_page_that_fails_on_either_side_stops_the_comparison():
    log = []
    servers = {"before": FakeServer("before", log, 5), "after": FakeServer("after", log, 5, 500)}
    with pytest.raises(RuntimeError, match="after: /feed/ answered 500"):
        interleave.alternate(servers, ["/feed/"], seconds=0, min_rounds=2)
