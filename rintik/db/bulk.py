"""Set-based statements shared by the metering and invoicing writers."""

import sqlalchemy as sa


def case_values(table, values_by_id, columns):
    """``UPDATE ... SET column = CASE id WHEN ... END`` expressions that set
    each row's own values in one statement. Every value is bound with its
    column's type (exact decimals, UTC datetimes), never a guessed one, and
    the CASE is cast to it (PostgreSQL types a CASE of NULLs as text)."""
    return {
        column: sa.cast(sa.case(
            {row_id: sa.literal(values.get(column),
                                type_=table.c[column].type)
             for row_id, values in values_by_id.items()},
            value=table.c.id), table.c[column].type)
        for column in columns}
