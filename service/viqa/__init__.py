"""viqa: Vietnamese-English translation QA."""

__version__ = "0.2.0"
