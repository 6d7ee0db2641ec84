"""Shared by the benchmarks: a throw-away PostgreSQL database of their own."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    """Drop the database named in ``url`` (and create it again unless ``drop_only``)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
