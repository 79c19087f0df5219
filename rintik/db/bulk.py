"""Set-based statements shared by the metering and invoicing writers."""

import datetime
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
    some values go in the form PyMySQL escapes cheapest (_mysql_values).
    PostgreSQL, whose Core executemany SQLAlchemy batches into multi-row
    VALUES, takes the Core path."""
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
        if dialect.name == 'mysql':
            column = _mysql_values(_python_type(column_type), processor,
                                   column)
        elif processor is not None:
            column = [processor(value) for value in column]
        values.append(column)
    connection.exec_driver_sql(compiled.string, list(zip(*values)))


def _mysql_values(python_type, processor, column):
    """A column's bound values for PyMySQL, which escapes each value in
    Python. Text goes as its UTF-8 bytes, which PyMySQL sends as a
    hexadecimal literal that the server stores as the column's text (it
    escapes a str character by character). A datetime goes as the text
    PyMySQL would spell it, bound and spelled once per distinct moment (a
    str is escaped several times faster than a datetime is formatted, and
    a period's edges recur in most rows)."""
    if python_type is datetime.datetime:
        spelled = {value: _spelled(value if processor is None
                                   else processor(value))
                   for value in set(column)}
        return [spelled[value] for value in column]
    if processor is not None:
        column = [processor(value) for value in column]
    if python_type is str:
        return [None if value is None else value.encode('utf-8')
                for value in column]
    return column


def _python_type(column_type):
    """The Python type of a column's values (a decorated type's own)."""
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl
    return column_type.python_type


def _spelled(moment):
    """``YYYY-MM-DD hh:mm:ss[.ffffff]`` of a bound datetime (its wall
    time, as PyMySQL's escape_datetime spells it), or None."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None).isoformat(sep=' ')


def _positional(dialect):
    """``dialect``, or one of its class rendering ``%s`` placeholders
    when it renders named ones (PyMySQL takes both)."""
    if dialect.positional:
        return dialect
    return _format_dialect(type(dialect))


@functools.lru_cache(maxsize=None)
def _format_dialect(dialect_class):
    return dialect_class(paramstyle='format')
