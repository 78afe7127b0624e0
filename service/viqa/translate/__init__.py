"""Back-translation: the Translator protocol and its backends."""

from viqa.translate.base import Translation, Translator

__all__ = ["Translation", "Translator"]
