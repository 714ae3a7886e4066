"""What the archive gives machines: feeds, sitemaps, citations, page metadata, OAI-PMH."""
