"""Search: the query (query), the tantivy index (index) kept current by upkeep, the engine
that answers a search (engine), the facets' labels (facets), the reader's faceted search
(faceted) and the search form with `search_from_request()` (form)."""
