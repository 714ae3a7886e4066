"""Search: the query (query), the full-text engines (engine), the facets (facets), the
in-memory facet index (index), the faceted search (faceted) and the search form with
`search_from_request()` (form)."""
