"""What an article page tells machines: schema.org JSON-LD and Google Scholar tags.

Both describe the byline with the affiliations each author held at publication.
"""

import json

from django.conf import settings
from django.utils.safestring import mark_safe

from .citations import REPORT_TYPES, corporate_author

# Characters that could end a <script> element or start a comment inside one.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data):
    """JSON safe inside <script>: a title containing </script> cannot break out."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))


def schema_type(article):
    return "Report" if article.article_type.slug in REPORT_TYPES else "ScholarlyArticle"


def article_jsonld(article, request):
    absolute = request.build_absolute_uri
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": schema_type(article),
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title[:110],
        "name": article.title,
        "description": article.deck or article.summary,
        "abstract": article.summary,
        "datePublished": article.published_at.isoformat(),
        "dateModified": (article.updated_at or article.published_at).isoformat(),
        "inLanguage": article.language,
        "genre": article.article_type.name,
        "wordCount": len(article.body.split()),
        "timeRequired": f"PT{article.reading_time}M",
        "keywords": [topic.name for topic in article.topic_list()],
        "publisher": {
            "@type": "Organization",
            "name": settings.ARCHIVE_NAME,
            "url": absolute("/"),
        },
        "author": [
            {
                "@type": "Person",
                "name": authorship.author.name,
                **({"honorificPrefix": a} if (a := authorship.author.honorific) else {}),
                "url": absolute(authorship.author.get_absolute_url()),
                **({"sameAs": authorship.author.orcid_url} if authorship.author.orcid else {}),
                "affiliation": [
                    {
                        "@type": "Organization",
                        "name": affiliation.institution.name,
                        **(
                            {"address": affiliation.institution.place}
                            if affiliation.institution.place
                            else {}
                        ),
                    }
                    for affiliation in authorship.affiliations_at_publication()
                ],
            }
            for authorship in article.byline()
        ]
        or _archive_as_author(absolute),
    }
    if article.series:
        data["isPartOf"] = {
            "@type": "CreativeWorkSeries",
            "name": article.series.name,
            "url": absolute(article.series.get_absolute_url()),
        }
    return json_for_script(data)


def _archive_as_author(absolute):
    """An unsigned article's author, by the citations' one rule (`corporate_author()`)."""
    return [
        {"@type": "Organization", "name": author["literal"], "url": absolute("/")}
        for author in corporate_author()
    ]


def scholar_tags(article, request):
    """Highwire Press `citation_*` tags, in the order Google Scholar documents."""
    tags = [("citation_title", article.title)]
    byline = article.byline()
    for authorship in byline:
        tags.append(("citation_author", authorship.author.name))
        tags += [
            ("citation_author_institution", affiliation.institution.name)
            for affiliation in authorship.affiliations_at_publication()
        ]
    if not byline:
        tags += [("citation_author", author["literal"]) for author in corporate_author()]
    tags += [
        ("citation_publication_date", article.published_at.strftime("%Y/%m/%d")),
        ("citation_online_date", article.published_at.strftime("%Y/%m/%d")),
        ("citation_publisher", settings.ARCHIVE_NAME),
        ("citation_language", article.language),
        (
            "citation_abstract_html_url",
            request.build_absolute_uri(article.get_absolute_url()),
        ),
    ]
    if article.article_type.slug in REPORT_TYPES:
        tags.append(("citation_technical_report_institution", settings.ARCHIVE_NAME))
    if article.series:
        tags.append(("citation_series_title", article.series.name))
    tags += [("citation_keywords", topic.name) for topic in article.topic_list()]
    return tags
