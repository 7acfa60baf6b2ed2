"""Writing many new rows at once: PostgreSQL's COPY, and an INSERT everywhere else.

A multi-row INSERT of a few hundred articles is a statement of tens of thousands of
placeholders: Django prepares it value by value and psycopg then merges the values into
its text, which together cost the importer more Python time than the database took to
store the rows. COPY sends the rows as they are, and PostgreSQL stores (and runs the
table's triggers on) each row as it arrives, while Python goes on preparing the next.

COPY returns no ids: ``insert_objects`` takes them from the table's sequence first, one
query per call, in order (the same ids, in the same order, as an INSERT would give them).
"""

from collections.abc import Callable, Iterable, Sequence

from django.db import connections, router
from django.db.models import Model


def copies(connection) -> bool:
    """Whether ``connection`` takes rows by COPY."""
    return connection.vendor == "postgresql"


def copy_rows(connection, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY ``rows`` (tuples of values in ``columns`` order) into ``table`` (PostgreSQL).
    A refusal raises Django's DatabaseError, as an INSERT's would."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    statement = f"COPY {quote(table)} ({names}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def insert_objects(
    model: type[Model], objs: list[Model], each: Callable[[Model, dict], None] | None = None
) -> list[Model]:
    """Insert new ``objs`` of ``model`` (their pk None) as ``bulk_create`` would: the same
    values (fields' ``pre_save``, then as prepared for the database), ids set on the objects.

    ``each(obj, values)``, if given, is called after each row is sent, with the values as
    stored (column -> value): Python work done there overlaps the database's work on the
    rows sent before. Without COPY (SQLite), the rows are inserted by ``bulk_create`` first.
    """
    if not objs:
        return objs
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.pk]
    if not copies(connection):
        model._base_manager.using(connection.alias).bulk_create(objs)
        if each is not None:
            for obj in objs:
                each(obj, prepared(obj, fields, connection, add=False))
        return objs
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]

    def rows():
        for obj, pk_value in zip(objs, ids, strict=True):
            values = prepared(obj, fields, connection, add=True)
            setattr(obj, pk.attname, pk_value)
            obj._state.adding = False
            obj._state.db = connection.alias
            yield (pk_value, *values.values())
            if each is not None:
                each(obj, values)

    copy_rows(connection, model._meta.db_table, [pk.column, *(f.column for f in fields)], rows())
    return objs


def prepared(obj: Model, fields, connection, *, add: bool) -> dict:
    """The object's values as a write stores them; with ``add``, after the fields' ``pre_save``
    (which sets auto_now moments on the object, as an INSERT does)."""
    return {
        field.column: field.get_db_prep_save(
            field.pre_save(obj, True) if add else getattr(obj, field.attname), connection
        )
        for field in fields
    }
