"""The public reader: articles, listings and search. Every view starts from
`Article.objects.published()`."""
