"""Spike: tantivy against today's search engine, on the same corpus, in the same run.

    DATABASE_URL=sqlite:////tmp/search-100k.sqlite3 .venv/bin/python -m bench.tantivy_spike

Builds a tantivy index (in a temporary directory) from the database's published and
scheduled articles, then times each search kind of `bench.run` both ways, in process and
without templates: today's `FacetedSearch` (match in the database, facets from the
in-memory facet index, twenty cards, snippets) and tantivy (match, rank, count and
disjunctive facet counts in the engine; the same twenty cards from the database; snippets
by the engine from bodies read from the database). Every tantivy answer is checked
against today's: the same count and the same count for every facet value.
"""

import argparse
import datetime as dt
import html
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django

FIELD_BOOSTS = {"title": 10.0, "head": 4.0, "body": 1.0}
FACET_NAMES = ["theme", "topic", "author", "institution", "type", "series", "region", "year"]
ANALYZER = "archive_en"
TAG = re.compile(r"<[^>]+>")
PAGE = 20


def log(message):
    print(f"[spike {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def analyzer():
    import tantivy

    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    for step in (
        tantivy.Filter.remove_long(40),
        tantivy.Filter.lowercase(),
        tantivy.Filter.ascii_fold(),
        tantivy.Filter.stemmer("english"),
    ):
        builder = builder.filter(step)
    return builder.build()


def schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", indexed=True, fast=True)
    builder.add_integer_field("time", indexed=True, fast=True)
    for name in FIELD_BOOSTS:
        builder.add_text_field(name, tokenizer_name=ANALYZER)
    for name in FACET_NAMES:
        builder.add_unsigned_field(name, indexed=True, fast=True)
    return builder.build()


def rows(cursor, sql):
    cursor.execute(sql)
    while batch := cursor.fetchmany(10_000):
        yield from batch


def pairs(cursor, sql):
    grouped = {}
    for key, value in rows(cursor, sql):
        grouped.setdefault(key, []).append(value)
    return grouped


def epoch(value):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def read_documents(connection):
    """Every published or scheduled article as the engine's field values (a few queries)."""
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    with connection.cursor() as cursor:
        names = dict(
            rows(
                cursor,
                "SELECT id, CASE WHEN honorific <> '' THEN honorific || ' ' || name"
                " ELSE name END FROM authors_author",
            )
        )
        topics = {
            pk: (f"{name} {description}", theme)
            for pk, name, description, theme in rows(
                cursor, "SELECT id, name, description, theme_id FROM archive_topic"
            )
        }
        affiliations = {}
        for author, institution, start, end in rows(
            cursor,
            "SELECT author_id, institution_id, start_year, end_year FROM authors_affiliation",
        ):
            affiliations.setdefault(author, []).append((institution, start or 0, end or 9999))
        bylines, everyone = {}, {}
        for article, author, role in rows(
            cursor,
            "SELECT article_id, author_id, role FROM archive_authorship"
            " ORDER BY article_id, position, id",
        ):
            everyone.setdefault(article, []).append(author)
            if role == "author":
                bylines.setdefault(article, []).append(author)
        tagged = pairs(cursor, "SELECT content_object_id, tag_id FROM archive_taggedtopic")
        regions = pairs(cursor, "SELECT article_id, region_id FROM archive_article_regions")
        articles = rows(
            cursor,
            "SELECT id, title, deck, summary, body_html, published_at, article_type_id,"
            " series_id FROM archive_article WHERE status = 'published'",
        )
        for pk, title, deck, summary, body, published, kind, series in articles:
            when = epoch(published)
            year = when.astimezone(zone).year
            authors = bylines.get(pk, [])
            article_topics = tagged.get(pk, [])
            head = [deck, summary, *(names[a] for a in everyone.get(pk, []))]
            head += [topics[t][0] for t in article_topics]
            yield {
                "id": pk,
                "time": int(when.timestamp()),
                "title": title,
                "head": " ".join(head),
                "body": html.unescape(TAG.sub(" ", body)),
                "theme": sorted({topics[t][1] for t in article_topics if topics[t][1]}),
                "topic": article_topics,
                "author": authors,
                "institution": sorted(
                    {
                        institution
                        for a in authors
                        for institution, start, end in affiliations.get(a, [])
                        if start <= year <= end
                    }
                ),
                "type": [kind],
                "series": [series] if series else [],
                "region": regions.get(pk, []),
                "year": [year],
            }


def build_index(directory, connection, threads):
    import tantivy

    index = tantivy.Index(schema(), path=str(directory), reuse=False)
    index.register_tokenizer(ANALYZER, analyzer())
    writer = index.writer(heap_size=256_000_000, num_threads=threads)
    started, count = time.perf_counter(), 0
    for values in read_documents(connection):
        writer.add_document(tantivy.Document.from_dict(values, index.schema))
        count += 1
    read_and_added = time.perf_counter() - started
    writer.commit()
    writer.wait_merging_threads()
    total = time.perf_counter() - started
    index.reload()
    return index, count, read_and_added, total


class TantivySearch:
    """Top page, exact count and disjunctive facet counts from the engine."""

    def __init__(self, index):
        import tantivy

        self.tantivy = tantivy
        self.index = index
        self.schema = index.schema
        self.analyzer = analyzer()
        self.searcher = index.searcher()

    def text_query(self, text):
        from archive.search import parse_web_search

        Q, Occur = self.tantivy.Query, self.tantivy.Occur
        groups = []
        for positives, negatives in parse_web_search(text).groups:
            clauses = [(Occur.Must, self.term(words)) for words in positives]
            clauses += [(Occur.MustNot, self.term(words)) for words in negatives]
            groups.append((Occur.Should, Q.boolean_query(clauses)))
        return Q.boolean_query(groups) if groups else Q.empty_query()

    def term(self, words):
        """One word or phrase, in any field, weighted by the field."""
        Q = self.tantivy.Query
        tokens = [t for w in words for t in self.analyzer.analyze(w)]
        per_field = []
        for name, boost in FIELD_BOOSTS.items():
            if len(tokens) == 1:
                query = Q.term_query(self.schema, name, tokens[0])
            else:
                query = Q.phrase_query(self.schema, name, tokens)
            per_field.append(Q.boost_query(query, boost))
        return Q.disjunction_max_query(per_field)

    def query(self, text, filters, skip=None, now=None):
        Q, Occur = self.tantivy.Query, self.tantivy.Occur
        visible = Q.range_query(
            self.schema, "time", self.tantivy.FieldType.Integer, None, int(now or time.time())
        )
        clauses = [(Occur.Must, self.text_query(text) if text else Q.all_query())]
        clauses.append((Occur.Must, Q.const_score_query(visible, 0.0)))
        for name, values in filters.items():
            if name != skip and values:
                clauses.append(
                    (
                        Occur.Must,
                        Q.const_score_query(Q.term_set_query(self.schema, name, values), 0.0),
                    )
                )
        return Q.boolean_query(clauses)

    def facet_counts(self, text, filters, now):
        """{facet: {value id: count}}: each selected facet counted without its own selection.

        One aggregation request, so the words are matched once: a filter aggregation
        per selected facet holds every other facet's selection.
        """
        selected = [name for name in FACET_NAMES if filters.get(name)]
        plain = [name for name in FACET_NAMES if name not in selected]
        aggs = {}
        for skip, names in [(None, plain)] + [(name, [name]) for name in selected]:
            terms = {name: {"terms": {"field": name, "size": 100_000}} for name in names}
            others = [
                "(" + " OR ".join(f"{name}:{value}" for value in filters[name]) + ")"
                for name in selected
                if name != skip
            ]
            if others:
                aggs[f"only-{skip}"] = {"filter": " AND ".join(others), "aggs": terms}
            else:
                aggs.update(terms)
        result = self.searcher.aggregate(self.query(text, {}, now=now), aggs)
        counts = {}
        for skip, names in [(None, plain)] + [(name, [name]) for name in selected]:
            scope = result.get(f"only-{skip}", result)
            for name in names:
                counts[name] = {int(b["key"]): b["doc_count"] for b in scope[name]["buckets"]}
        return counts

    def page(self, text, filters, page, now):
        query = self.query(text, filters, now=now)
        offset = (page - 1) * PAGE
        if text:
            result = self.searcher.search(query, limit=PAGE, offset=offset, count=True)
        else:
            result = self.searcher.search(
                query, limit=PAGE, offset=offset, count=True, order_by_field="time"
            )
        addresses = [address for _, address in result.hits]
        ids = self.searcher.fast_field_values("id", addresses)
        return [int(pk) for pk in ids], result.count, query

    def snippets(self, query, bodies):
        generator = self.tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "body")
        generator.set_max_num_chars(200)
        out = {}
        for pk, body in bodies.items():
            document = self.tantivy.Document()
            document.add_text("body", html.unescape(TAG.sub(" ", body)))
            out[pk] = generator.snippet_from_doc(document).to_html()
        return out


def time_calls(function, seconds, minimum=5, maximum=400):
    function()
    samples, started = [], time.perf_counter()
    while len(samples) < maximum and (
        len(samples) < minimum or time.perf_counter() - started < seconds
    ):
        begun = time.perf_counter()
        function()
        samples.append((time.perf_counter() - begun) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"n": len(samples), "p50": statistics.median(samples), "p95": p95}


def today(params):
    from django.core.paginator import Paginator

    from archive.facets import FacetedSearch
    from archive.search import add_snippets

    text, filters, number = params
    search = FacetedSearch(text, filters, "relevance" if text else "newest")
    facets = search.facets(limit=30)
    page = Paginator(search.results(), PAGE).page(number)
    add_snippets(page.object_list, search.text)
    return search.total, facets


def with_tantivy(engine, params, engine_only=False):
    from archive.models import Article

    text, filters, number = params
    now = time.time()
    ids, total, query = engine.page(text, filters, number, now)
    counts = engine.facet_counts(text, filters, now)
    if engine_only:
        return total, counts
    cards = {a.pk: a for a in Article.objects.for_cards().published().filter(pk__in=ids)}
    _ = [cards[pk] for pk in ids if pk in cards]
    if text:
        bodies = dict(Article.objects.filter(pk__in=ids).values_list("pk", "body_html"))
        engine.snippets(query, bodies)
    return total, counts


def label_ids():
    """{facet: {slug: id}} to compare tantivy's counts (by id) with today's (by slug)."""
    from archive.facets import FACETS

    maps = {}
    for facet in FACETS:
        labels = facet.all_labels()
        maps[facet.name] = {} if labels is None else {key: pk for _, pk, key, _ in labels}
    return maps


def compare(kind, today_answer, tantivy_answer, ids):
    total, facets = today_answer
    t_total, t_counts = tantivy_answer
    problems = [] if total == t_total else [f"total {total} vs {t_total}"]
    for counts in facets:
        expected = {v.value: v.count for v in counts.values if v.count}
        by_key = ids[counts.name]
        got = {
            v.value: t_counts[counts.name].get(
                int(v.value) if counts.name == "year" else by_key[v.value], 0
            )
            for v in counts.values
            if v.count
        }
        if got != expected:
            diff = {k: (expected[k], got[k]) for k in expected if expected[k] != got[k]}
            problems.append(f"{counts.name}: {list(diff.items())[:3]}")
    if problems:
        log(f"{kind}: tantivy disagrees: {problems}")
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per kind and engine")
    parser.add_argument("--threads", type=int, default=2, help="tantivy indexing threads")
    parser.add_argument("--index-dir", default=None, help="default: a temporary directory")
    parser.add_argument("--json", default="/tmp/tantivy-spike.json")
    parser.add_argument(
        "--reuse", action="store_true", help="search the index already in --index-dir"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from archive.models import Article
    from bench.run import plan_requests

    directory = Path(args.index_dir or tempfile.mkdtemp(prefix="tantivy-spike-"))
    if args.reuse:
        import tantivy

        index = tantivy.Index.open(str(directory))
        index.register_tokenizer(ANALYZER, analyzer())
        documents, read_seconds, build_seconds = index.searcher().num_docs, 0.0, 0.0
    else:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        log(f"building the index in {directory}")
        built = build_index(directory, connection, args.threads)
        index, documents, read_seconds, build_seconds = built
    size_mb = sum(p.stat().st_size for p in directory.iterdir()) / 1e6
    log(
        f"{documents:,} documents in {build_seconds:.1f} s"
        f" ({read_seconds:.1f} s reading and adding), {size_mb:.0f} MB"
    )
    engine = TantivySearch(index)
    n = Article.objects.count()
    _, _, meta = plan_requests(argparse.Namespace(articles=n, naive=[]))
    ids = label_ids()
    kinds = {}
    for kind, params in meta["params"].items():
        text = params.get("q", "")
        filters = {k: [v] for k, v in params.items() if k not in ("q", "page")}
        number = int(params.get("page", 1))
        t_filters = {name: [ids[name][v] for v in values] for name, values in filters.items()}
        agrees = compare(
            kind,
            today((text, filters, number)),
            with_tantivy(engine, (text, t_filters, number), engine_only=True),
            ids,
        )
        row = {"params": params, "found": meta["found"][kind], "agrees": agrees}
        ours, theirs = (text, filters, number), (text, t_filters, number)
        row["today"] = time_calls(lambda p=ours: today(p), args.seconds)
        row["tantivy"] = time_calls(lambda p=theirs: with_tantivy(engine, p), args.seconds)
        row["engine"] = time_calls(
            lambda p=theirs: with_tantivy(engine, p, engine_only=True), args.seconds
        )
        row["speedup"] = row["today"]["p50"] / row["tantivy"]["p50"]
        kinds[kind] = row
        log(
            f"{kind:12} today {row['today']['p50']:7.1f} ms"
            f"  tantivy {row['tantivy']['p50']:6.1f} ms"
            f" (engine {row['engine']['p50']:5.1f})  x{row['speedup']:.1f}  agrees={agrees}"
        )
    result = {
        "vendor": connection.vendor,
        "articles": n,
        "documents": documents,
        "build_seconds": build_seconds,
        "read_seconds": read_seconds,
        "index_mb": size_mb,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": os.getloadavg(),
        "kinds": kinds,
    }
    Path(args.json).write_text(json.dumps(result, indent=1))
    print(markdown(result))
    if not args.index_dir:
        shutil.rmtree(directory, ignore_errors=True)


def markdown(result):
    lines = [
        f"{result['vendor']}, {result['articles']:,} articles ({result['documents']:,} indexed),"
        f" build {result['build_seconds']:.1f} s, index {result['index_mb']:.0f} MB,"
        f" peak RSS {result['peak_rss_mb']:.0f} MB, load {result['load'][0]:.1f}",
        "",
        "| kind | results | today p50 | today p95 | tantivy p50 | tantivy p95 | engine p50 |"
        " speed-up | same counts |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for kind, row in result["kinds"].items():
        lines.append(
            f"| {kind} | {row['found']:,} | {row['today']['p50']:.1f} | {row['today']['p95']:.1f} |"
            f" {row['tantivy']['p50']:.1f} | {row['tantivy']['p95']:.1f} |"
            f" {row['engine']['p50']:.1f} | {row['speedup']:.1f}× |"
            f" {'yes' if row['agrees'] else 'NO'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
