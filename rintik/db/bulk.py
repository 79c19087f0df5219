"""Set-based statements shared by the metering and invoicing writers."""

import functools

import sqlalchemy as sa

# Keep IN lists and statements well below every backend's parameter limit.
CHUNK = 500


def chunks(items, size=CHUNK):
    """``items`` as lists of at most ``size``, in order."""
    items = list(items)
    for index in range(0, len(items), size):
        yield items[index:index + size]


def case_values(session, table, values_by_id, columns):
    """``UPDATE ... SET column = CASE id WHEN ... END`` expressions that set
    each row's own values in one statement (a column whose value is the
    same for every row is set to that value). Every value is bound with
    its column's type (exact decimals, UTC datetimes), never a guessed
    one. On PostgreSQL, which types a CASE of NULLs as text, the CASE is
    cast to the column type (SQLite must not: its CAST to DATETIME makes
    a number)."""
    cast = session.get_bind().dialect.name == 'postgresql'
    expressions = {}
    for column in columns:
        column_type = table.c[column].type
        distinct = {values.get(column) for values in values_by_id.values()}
        if len(distinct) == 1:
            expressions[column] = sa.literal(distinct.pop(),
                                             type_=column_type)
            continue
        expression = sa.case(
            {row_id: sa.literal(values.get(column), type_=column_type)
             for row_id, values in values_by_id.items()},
            value=table.c.id)
        expressions[column] = sa.cast(expression, column_type) if cast \
            else expression
    return expressions


def insert_rows(session, table, rows):
    """INSERT ``rows`` (dicts with the same keys) into ``table`` as one
    executemany.

    On MariaDB/MySQL and SQLite, SQLAlchemy compiles ``table.insert()``
    with positional parameters and the driver's executemany gets every
    row as a tuple of values already bound by their column type's own
    bind processor (exact decimals, UTC datetimes): the values of a Core
    executemany, without SQLAlchemy's per-row parameter dictionaries,
    which are most of the Python cost of a large insert. On MariaDB/MySQL
    the values of ``TEXT`` columns go as their UTF-8 bytes, which PyMySQL
    sends as hexadecimal literals that the server stores as the column's
    text (PyMySQL escapes a str character by character: a notification's
    kilobytes of HTML and JSON cost more than its segments). PostgreSQL,
    whose Core executemany SQLAlchemy batches into multi-row VALUES,
    takes the Core path."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.use_insertmanyvalues_wo_returning:
        session.execute(table.insert(), rows)
        return
    compiled = table.insert().compile(dialect=_positional(dialect),
                                      column_keys=list(rows[0]))
    values = []
    for key in compiled.positiontup:
        column = [row[key] for row in rows]
        column_type = table.c[key].type
        processor = column_type.dialect_impl(dialect).bind_processor(
            dialect)
        if processor is not None:
            column = [processor(value) for value in column]
        if dialect.name == 'mysql' and isinstance(column_type, sa.Text):
            column = [None if value is None else value.encode('utf-8')
                      for value in column]
        values.append(column)
    connection.exec_driver_sql(compiled.string, list(zip(*values)))


def _positional(dialect):
    """``dialect``, or one of its class rendering ``%s`` placeholders
    when it renders named ones (PyMySQL takes both)."""
    if dialect.positional:
        return dialect
    return _format_dialect(type(dialect))


@functools.lru_cache(maxsize=None)
def _format_dialect(dialect_class):
    return dialect_class(paramstyle='format')
