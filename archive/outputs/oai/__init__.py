"""OAI-PMH 2.0 at /oai/: the protocol (arguments, dates, errors, tokens), the records and
the verbs (views)."""
