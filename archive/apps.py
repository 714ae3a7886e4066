from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"

    def ready(self):
        # Connect the indexes' and cache's receivers; teach citeproc-py the CSL rules it misses.
        from . import cache, csl_fixes, search_upkeep, signals  # noqa: F401

        csl_fixes.install()
