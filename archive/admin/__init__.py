"""The archive's admin: articles (with history and the importer) and their vocabulary.

Importing the modules registers their ModelAdmins with the default site.
"""

from . import articles, taxonomy

__all__ = ["articles", "taxonomy"]
