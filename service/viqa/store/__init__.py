"""Persistence: SQLAlchemy models and the queries the API and the job runner use.

SQLite by default, PostgreSQL in production; the same code runs on both. The schema is created
and upgraded by Alembic migrations (store/migrations)."""
