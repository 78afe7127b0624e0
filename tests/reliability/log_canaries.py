"""Marked text the reliability tests put into requests (external ids, glossary CSV, comments,
callback URLs, translations) so that the log test can prove none of it reaches a log."""

CANARY = "logcanary7f3a"
