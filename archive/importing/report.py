"""What a run did, file by file, for the command and the admin preview."""

import textwrap
from collections import Counter


def _names(objects):
    return ", ".join(str(o) for o in objects) or "—"


def report_rows(result):
    """(label, value) rows describing what one file yielded, for the command and the admin."""
    parsed, article = result.parsed, result.article
    title = article.title
    if parsed.title_repairs:
        title += f"  (repaired from “{parsed.raw_title}”: {'; '.join(parsed.title_repairs)})"
    stated = (
        f", the dump says {parsed.stated_reading_time} min" if parsed.stated_reading_time else ""
    )
    affiliations = [
        f"{affiliation}, {affiliation.years or 'current'} [{status}; "
        f"{institution_note} institution{', ' if place else ''}{place}]"
        for affiliation, status, institution_note in result.affiliations
        for place in [affiliation.institution.place]
    ]
    rows = [
        ("action", f"{result.action}, {article.get_status_display().lower()}"),
        ("title", title),
        ("slug", article.slug),
        ("date", parsed.date.isoformat() if parsed.date else "— (none found)"),
        ("authors", _names(f"{a.display_name} [{note}]" for a, note in result.authors)),
        ("type", f"{result.article_type} ({result.type_reason})"),
        ("series", f"{result.series} [{result.series_note}]" if result.series else "—"),
        ("length", f"{parsed.word_count:,} words, {parsed.reading_time} min read{stated}"),
        ("topics", _names(result.topics)),
        ("themes", _names(result.themes)),
        ("regions", _names(result.regions)),
        ("affiliations", "\n".join(affiliations) or "—"),
    ]
    if parsed.warnings:
        rows.append(("warnings", "\n".join(parsed.warnings)))
    return rows


def format_report(results, *, dry_run=False, width=100):
    """A plain-text table per file, wrapped to `width` columns."""
    label_width = max(len(label) for result in results for label, _ in report_rows(result))
    out = []
    for result in results:
        out.append(result.parsed.source)
        for label, value in report_rows(result):
            lines = []
            for paragraph in value.split("\n"):
                lines.extend(
                    textwrap.wrap(paragraph, width - label_width - 4, break_on_hyphens=False)
                    or [""]
                )
            for index, line in enumerate(lines):
                out.append(f"  {label if index == 0 else '':<{label_width}}  {line}")
        out.append("")
    counts = Counter(result.action for result in results)
    summary = f"{len(results)} file(s): {counts['created']} created, {counts['updated']} updated"
    out.append(summary + (" (dry run: nothing was saved)" if dry_run else ""))
    return "\n".join(out)
