"""What is wrong with a dump, and where: every importer step reports through these."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """What is wrong with one file, and where, in the form editors' tools understand."""

    source: str
    line: int | None
    message: str

    def __str__(self):
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class DumpError(Exception):
    """One or more files cannot be imported; nothing was saved."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def at(cls, source, line, message):
        return cls([Problem(source, line, message)])


@dataclass(frozen=True)
class Document:
    source: str
    data: bytes
