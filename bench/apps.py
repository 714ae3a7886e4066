from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark as an app, for its `generate_corpus` command: installed by
    bench.settings and in development, never on a production site."""

    name = "bench"
    verbose_name = "Benchmark"
