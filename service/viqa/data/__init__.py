"""Data files shipped with viqa (word lists, built-in glossary)."""
