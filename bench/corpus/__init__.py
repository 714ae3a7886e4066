"""The benchmark's synthetic archive: `CorpusGenerator` and the names runs look up."""

from .generator import CorpusGenerator, clear, has_content
from .words import RARE_NAMES, invented_names

__all__ = ["RARE_NAMES", "CorpusGenerator", "clear", "has_content", "invented_names"]
