"""The people pages: the list of authors, an author's page and an institution's."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from archive.listings import LISTINGS
from archive.models import Article
from archive.views.listings import paginate, render_listing

from .models import Affiliation, Author, family_name_key


@require_safe
def author_list(request):
    """Authors with published articles, by family name (which the database cannot sort by)."""
    published = Article.objects.published()
    authors = Author.objects.annotate(
        num_articles=Count(
            "authorships",
            filter=Q(authorships__article__in=published, authorships__role="author"),
        )
    ).filter(num_articles__gt=0)
    names = sorted(authors.values_list("pk", "name"), key=lambda row: family_name_key(row[1]))
    page = paginate(request, [pk for pk, _ in names])
    found = authors.prefetch_related(
        Prefetch(
            "affiliations",
            Affiliation.objects.current().select_related("institution"),
            to_attr="current_affiliations",
        )
    ).in_bulk(page.object_list)
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return render(request, "authors/author_list.html", {"page": page})


@require_safe
def author_detail(request, slug):
    listing = LISTINGS["author"]
    author = get_object_or_404(
        listing.owners().prefetch_related(
            Prefetch("affiliations", Affiliation.objects.select_related("institution"))
        ),
        slug=slug,
    )
    return render_listing(request, listing, author, "authors/author_detail.html")


@require_safe
def institution_detail(request, slug):
    listing = LISTINGS["institution"]
    institution = listing.get(slug)
    members = (
        Affiliation.objects.filter(institution=institution, author__in=Author.objects.public())
        .select_related("author")
        .order_by("author__name", "pk")
    )
    return render_listing(
        request, listing, institution, "authors/institution_detail.html", members=members
    )
