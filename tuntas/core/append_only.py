"""Append-only tables, enforced by the database: triggers that refuse UPDATE and DELETE, on
PostgreSQL and on SQLite alike, so no code path (the ORM, raw SQL, the admin, a shell) can
rewrite history.

One way through, for a whole wipe only: while the table ``tuntas_audit_izin`` holds a row, the
triggers let changes pass. It is not a model (``flush`` does not see it); only the ``flush``
command sets it, for the length of its wipe (:func:`maintenance`). Whoever can write that table
can also drop a trigger: this guards against the application and its users, not against the
database's owner.

A migration that rebuilds a guarded table on SQLite (Django copies it into a new table) drops
its triggers: install them again in that migration (the suite's ``test_audit`` notices).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

SWITCH = "tuntas_audit_izin"
MESSAGE = "Catatan audit hanya dapat ditambah; mengubah atau menghapusnya ditolak."


def _switch_create(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {SWITCH} (alasan varchar(200) NOT NULL)")


def append_only_install(connection: BaseDatabaseWrapper, table: str) -> None:
    _switch_create(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION tuntas_append_only() RETURNS trigger AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM {SWITCH}) THEN
                        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION '{MESSAGE} (%)', TG_TABLE_NAME
                        USING ERRCODE = 'integrity_constraint_violation';
                END;
                $$ LANGUAGE plpgsql
                """
            )
            cursor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tuntas_append_only()"
            )
        elif connection.vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"WHEN NOT EXISTS (SELECT 1 FROM {SWITCH}) "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
        else:  # pragma: no cover - the suite runs on both supported databases
            raise NotImplementedError(connection.vendor)


def append_only_remove(connection: BaseDatabaseWrapper, table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for op in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


@contextmanager
def maintenance(connection: BaseDatabaseWrapper, reason: str) -> Iterator[None]:
    """Let changes to append-only tables pass while the block runs (a whole wipe)."""
    _switch_create(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {SWITCH} (alasan) VALUES (%s)", [reason[:200]])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SWITCH}")
