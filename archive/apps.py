from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"

    def ready(self):
        from . import cache, search_upkeep, signals  # noqa: F401 - connect the indexes' and cache's receivers
