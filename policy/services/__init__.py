"""Writes of the policy app: one module per domain (documents, imports, guides, courses)."""
