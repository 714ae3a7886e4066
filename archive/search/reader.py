"""Reading the index: one open index per process and database, reloaded after each commit.

A missing index is built on first use; one that cannot be opened is built again from the
database; while none can be built, IndexUnavailable tells the site to answer a 503.
"""

import logging
import threading
import time

import tantivy

from .index import current_generation, index_home, rebuild, register_analyzers

REBUILD_BACKOFF = 30  # seconds a process that failed to build the index waits to try again
logger = logging.getLogger(__name__)


class IndexUnavailable(Exception):
    """The index can be neither opened nor built again (a full or read-only disk): readers
    are told to come back, and an article's page is shown without its related list."""


class Reader:
    _open = {}  # home -> (generation path, Index, meta.json bytes)
    _failed = {}  # home -> when this process last failed to build it (monotonic)
    _lock = threading.Lock()

    @classmethod
    def searcher(cls, using="default", build_missing=True):
        """A searcher over the latest commit; builds the index first if there is none."""
        opened = cls.snapshot(using, build_missing)
        return opened[0] if opened else None

    @classmethod
    def snapshot(cls, using="default", build_missing=True):
        """(searcher, commit): what the searcher sees, named for what is kept per commit
        (counting.py); the commit is None when another one landed while it was opened.

        A missing index is built, and one that cannot be opened (a lost or damaged file)
        is built again from the database, once for every worker that finds it so;
        `build_missing=False` builds nothing and answers None for a missing index.
        """
        home = index_home(using)
        generation = current_generation(home)
        if generation is None and not build_missing:
            return None
        try:
            if generation is not None:
                try:
                    return cls._open_latest(home, generation)
                except (OSError, ValueError) as error:
                    if not build_missing:
                        raise
                    logger.error("Search index %s cannot be opened, rebuilt: %s", generation, error)
            if cls.failed_lately(using):
                raise OSError(f"it could not be built in the last {REBUILD_BACKOFF} s")
            return cls._repair(home, generation, using)
        except (OSError, ValueError) as error:
            raise IndexUnavailable(f"The search index cannot be opened: {error}") from error

    @classmethod
    def _repair(cls, home, generation, using):
        try:
            rebuild(using, replacing=generation)
            opened = cls._open_latest(home, current_generation(home))
        except (OSError, ValueError):
            cls._failed[home] = time.monotonic()
            raise
        cls._failed.pop(home, None)
        return opened

    @classmethod
    def failed_lately(cls, using="default"):
        """Whether this process failed to build the index in the last REBUILD_BACKOFF
        seconds: until then its requests answer at once, not after a build's seconds."""
        failed = cls._failed.get(index_home(using))
        return failed is not None and time.monotonic() - failed < REBUILD_BACKOFF

    @classmethod
    def _open_latest(cls, home, generation):
        with cls._lock:
            opened = cls._open.get(home)
            meta = (generation / "meta.json").read_bytes()
            if opened is None or opened[0] != generation:
                index = register_analyzers(tantivy.Index.open(str(generation)))
                index.config_reader(reload_policy="manual")
                cls._open[home] = (generation, index, meta)
            elif opened[2] != meta:
                opened[1].reload()
                cls._open[home] = (generation, opened[1], meta)
            searcher = cls._open[home][1].searcher()
        unchanged = (generation / "meta.json").read_bytes() == meta
        return searcher, (str(generation), hash(meta)) if unchanged else None

    @classmethod
    def schema(cls, using="default"):
        opened = cls._open.get(index_home(using))
        if opened is None:
            cls.searcher(using)
            opened = cls._open[index_home(using)]
        return opened[1].schema

    @classmethod
    def forget(cls):
        with cls._lock:
            cls._open.clear()
