"""Set-based statements shared by the metering and invoicing writers."""

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
    each row's own values in one statement. Every value is bound with its
    column's type (exact decimals, UTC datetimes), never a guessed one. On
    PostgreSQL, which types a CASE of NULLs as text, the CASE is cast to the
    column type (SQLite must not: its CAST to DATETIME makes a number)."""
    cast = session.get_bind().dialect.name == 'postgresql'
    expressions = {}
    for column in columns:
        column_type = table.c[column].type
        expression = sa.case(
            {row_id: sa.literal(values.get(column), type_=column_type)
             for row_id, values in values_by_id.items()},
            value=table.c.id)
        expressions[column] = sa.cast(expression, column_type) if cast \
            else expression
    return expressions
