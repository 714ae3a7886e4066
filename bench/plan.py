"""What a run measures: the database, the corpus in it, and the fixed request mix."""

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from random import Random
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URLS = {
    "sqlite": "sqlite:////tmp/bench-{n}.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/archive_bench",
}
COMMON_TERM = "security"
PHRASE = '"freedom of navigation"'
SAMPLES_PER_PAGE_KIND = 20
SEARCH_KINDS = ["rare", "common", "phrase", "two_facets", "facets_only", "deep_page"]
# Every kind a page of the site answers (the empty view aside).
PAGE_KINDS = [*SEARCH_KINDS, "article", "author", "topic", "feed"]


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_database(url):
    """Create the PostgreSQL database named in the URL if it is missing."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            log(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args, capture=False):
    command = [PYTHON, str(BASE_DIR / "manage.py"), *args]
    result = subprocess.run(command, env=env, check=True, text=True, capture_output=capture)
    return result.stdout if capture else None


def meta_path(url):
    safe = "".join(ch if ch.isalnum() else "_" for ch in url)[-80:]
    return Path(tempfile.gettempdir()) / f"bench-meta-{safe}.json"


def ensure_corpus(env, url, args):
    """Generate the corpus unless the database already holds this one; return its metadata."""
    import django

    os.environ.update(env)
    django.setup()
    from archive.models import Article

    wanted = {"articles": args.articles, "seed": args.seed}
    path = meta_path(url)
    meta = json.loads(path.read_text()) if path.exists() else {}
    if (
        not args.regenerate
        and meta.get("corpus") == wanted
        and Article.objects.count() == args.articles
    ):
        log(f"reusing the corpus of {args.articles} articles (generated {meta['generated_at']})")
        return meta
    log(f"generating {args.articles} articles (seed {args.seed})")
    started = time.perf_counter()
    output = manage(
        env,
        "generate_corpus",
        f"--articles={args.articles}",
        f"--authors={max(10, args.articles // 20)}",
        f"--topics={min(500, max(12, args.articles // 10))}",
        f"--seed={args.seed}",
        "--clear",
        capture=True,
    )
    meta = {
        "corpus": wanted,
        "generation_seconds": round(time.perf_counter() - started, 1),
        "generation_report": output.strip(),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    log(output.strip())
    path.write_text(json.dumps(meta))
    return meta


def ensure_index():
    """The search engine's index of the corpus, built and timed here if this checkout has none
    (a corpus generated elsewhere), so that no measured request waits for a build."""
    from archive.search import index

    if index.current_generation(index.index_home()) is None:
        log("building the search index")
        started = time.perf_counter()
        count = index.rebuild()
        log(f"indexed {count} articles in {time.perf_counter() - started:.1f} s")


def plan_requests(args):
    """The fixed request mix: kind -> list of paths, and how many results each search has."""
    from archive.models import Article

    searches = search_mix(args.articles)
    found = {}
    for kind, params in searches.items():
        filters = {k: [v] for k, v in params.items() if k not in ("q", "page")}
        found[kind] = _matches(params.get("q", ""), **filters)
    plan = {kind: [f"/search/?{urlencode(params)}"] for kind, params in searches.items()}
    plan |= page_mix() | {"feed": ["/feed/"], "empty": ["/bench/empty/"]}
    naive = {
        kind: [f"/bench/naive/search/?{urlencode(searches[kind])}"]
        for kind in args.naive
        if kind in searches
    }
    published = Article.objects.published().count()
    return plan, naive, {"published": published, "found": found, "params": searches}


def _matches(text="", **filters):
    from archive.search.faceted import FacetedSearch

    # exact: as typed, so a miss stays a miss rather than a corrected search's count
    return FacetedSearch(text, filters, exact=True, counted=False).total


def search_mix(articles):
    """The searches, by kind: a rare name that still matches a few, a common word, a phrase,
    facets with and without words, and a page half-way through the common word's results."""
    from django.db.models import Count

    from archive.models import ArticleType, Region, Theme
    from bench.corpus import RARE_NAMES, invented_names

    rare, floor = None, max(2, articles // 20_000)
    names = invented_names(RARE_NAMES)
    for rank in (3999, 3000, 2000, 1500, 1000, 700, 500, 300, 200, 100, 50, 20, 10, 0):
        if _matches(names[rank]) >= floor:
            rare = names[rank]
            break
    themes = Theme.objects.annotate(n=Count("topics__tagged_articles")).order_by("-n", "pk")
    big_theme, other_theme = themes[0].slug, themes[min(1, len(themes) - 1)].slug
    type_slug = ArticleType.objects.annotate(n=Count("articles")).order_by("-n", "pk")[0].slug
    region = Region.objects.filter(slug="india").first() or Region.objects.first()
    common_pages = max(1, (_matches(COMMON_TERM) + 19) // 20)
    return {
        "rare": {"q": rare or names[0]},
        "common": {"q": COMMON_TERM},
        "phrase": {"q": PHRASE},
        "two_facets": {"q": COMMON_TERM, "theme": big_theme, "type": type_slug},
        "facets_only": {"theme": other_theme, "region": region.slug},
        "deep_page": {"q": COMMON_TERM, "page": max(1, common_pages // 2)},
    }


def page_mix():
    """Pages readers visit, weighted as they are: popular authors and topics more often."""
    from archive.models import Article, Authorship, TaggedTopic

    rng = Random(0)
    published = Article.objects.published()

    def sample(values, k=SAMPLES_PER_PAGE_KIND):
        values = list(values)
        return rng.sample(values, min(k, len(values)))

    ids = sample(published.values_list("pk", flat=True).order_by("pk"))
    articles = Article.objects.filter(pk__in=ids).values_list("slug", flat=True)
    bylines = Authorship.objects.filter(article__in=published, role="author")
    authors = sample(bylines.values_list("author__slug", flat=True).order_by("pk")[:50_000])
    tagged = TaggedTopic.objects.filter(content_object__in=published)
    topics = sample(tagged.values_list("tag__slug", flat=True).order_by("pk")[:50_000])
    return {
        "article": sorted(f"/articles/{slug}/" for slug in articles),
        "author": [f"/authors/{slug}/" for slug in authors],
        "topic": [f"/topics/{slug}/" for slug in topics],
    }
