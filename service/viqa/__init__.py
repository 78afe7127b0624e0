"""viqa: Vietnamese-English translation QA."""

__version__ = "0.1.0"
