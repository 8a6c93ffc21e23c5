"""The domain: items, scoring, staleness and the store. Imports no Textual and no Rich."""
