"""Alembic environment: runs on the connection `viqa.store.db.migrate` hands it."""

from __future__ import annotations

from alembic import context

from viqa.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` command line: use the configured URL
    from viqa.settings import Settings
    from viqa.store.db import make_engine

    connection = make_engine(Settings().database_url).connect()

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
