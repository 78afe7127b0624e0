"""Caches of model outputs (back-translations, embeddings) keyed by (model, normalised sentence).

A re-checked article only sends its changed sentences to the models; a sentence repeated in an
article is computed once. stores.py holds where the bytes live (memory, the database, Redis),
models.py what is cached and how it is encoded.
"""
