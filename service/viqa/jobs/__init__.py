"""Asynchronous jobs: the in-process runner, webhook signing and delivery, callback safety."""
