"""Meaning scores: sentence embeddings and the token-level comparison that names what diverges."""
