"""The reader mix of issue 13 for locust (run by `python -m bench.load`, i.e. `make load`).

60 % article pages drawn from 5,000 articles; 20 % searches with facets, half from 50
popular queries and half never seen before; 10 % author, topic and theme pages; 10 % feeds.
Each simulated reader sends one request a second, so the user count is the target rate.
The plan (slugs, words, facet values) comes from the database, in LOAD_PLAN (JSON).
FastHttpUser (geventhttpclient): locust shares the server's two cores, and the requests
library's client cost several times as much CPU per request.
"""

import json
import os
import random

from locust import FastHttpUser, constant_throughput, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115 - read once per process
RANDOM = random.Random()


def facet():
    name = RANDOM.choice(["theme", "type", "year", "topic"])
    return name, RANDOM.choice(PLAN["facets"][name])


def new_search():
    """Words drawn from the archive's own titles, in a combination unlikely to repeat."""
    words = " ".join(RANDOM.sample(PLAN["words"], RANDOM.randint(1, 3)))
    return {"q": words, **dict([facet()])}


POPULAR = [
    {"q": " ".join(random.Random(n).sample(PLAN["words"], 1 + n % 2)), **dict([facet()])}
    for n in range(50)
]


class Reader(FastHttpUser):
    wait_time = constant_throughput(1)

    @task(60)
    def article(self):
        self.client.get(f"/articles/{RANDOM.choice(PLAN['articles'])}/", name="article")

    @task(10)
    def popular_search(self):
        self.client.get("/search/", params=RANDOM.choice(POPULAR), name="search (popular)")

    @task(10)
    def unseen_search(self):
        self.client.get("/search/", params=new_search(), name="search (never seen)")

    @task(10)
    def listing(self):
        kind = RANDOM.choice(["authors", "topics", "themes"])
        self.client.get(f"/{kind}/{RANDOM.choice(PLAN[kind])}/", name=f"listing ({kind})")

    @task(10)
    def feed(self):
        kind = RANDOM.choice(["", "topics", "themes", "authors"])
        path = "/feed/" if not kind else f"/{kind}/{RANDOM.choice(PLAN[kind])}/feed/"
        self.client.get(path, name="feed")
