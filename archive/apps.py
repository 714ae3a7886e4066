from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"

    def ready(self):
        # Connect the receivers, the search index's before the content version's: its row
        # stays locked from its renewal to the commit, so renewing last keeps concurrent saves
        # from queueing behind the index. Keep formatted citations beside each article, and
        # teach citeproc-py the CSL rules it misses.
        from .search import upkeep  # noqa: F401, I001
        from . import freshness  # noqa: F401
        from .outputs import citation_upkeep, csl_fixes  # noqa: F401

        csl_fixes.install()
