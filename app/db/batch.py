"""A command's row writes, kept until its end and sent together.

On PostgreSQL every insert and update of the batch goes in one statement (data-modifying WITH
queries: one round trip however many tables the command touched); elsewhere (SQLite, in-process)
one statement per insert or update, each an executemany. Rows are plain dicts of column values;
the column types do the conversions, as in any Core statement.

SQLAlchemy cannot cache the compiled form of multi-row VALUES or of DML in WITH, so the one
statement is compiled once per shape (tables, columns, row counts) and kept (`_compiled`).

The batch runs after the ORM's flush (the case's versioned update), so a concurrent writer has
already failed (409) before any of it is sent.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import Table, and_, bindparam, cast, column, values


@dataclass
class _Insert:
    table: Table
    rows: list[dict]

    def shape(self):
        return ("i", self.table.name, tuple(self.rows[0]), len(self.rows))


@dataclass
class _Update:
    """Rows of `table` found by their `keys` (and the column values `only`), set to the rows'
    other values."""
    table: Table
    keys: tuple[str, ...]
    rows: list[dict]
    only: tuple = ()

    def shape(self):
        return ("u", self.table.name, self.keys, tuple(self.rows[0]), len(self.rows), self.only)


@dataclass
class WriteBatch:
    ops: list = field(default_factory=list)

    def insert(self, table: Table, rows: list[dict]) -> None:
        """Rows naming the same columns; joined to this batch's earlier insert into `table`."""
        if not rows:
            return
        for op in self.ops:
            if isinstance(op, _Insert) and op.table is table and op.rows[0].keys() == rows[0].keys():
                op.rows.extend(rows)
                return
        self.ops.append(_Insert(table, list(rows)))

    def insert_objects(self, objects: list) -> None:
        """New ORM objects (not added to a session) as rows of their table: every column, the
        column's scalar default where the object has no value."""
        for obj in objects:
            self.insert(obj.__table__, [row_values(obj)])

    def update(self, table: Table, keys: tuple[str, ...], rows: list[dict], **only) -> None:
        """Every row names the same columns: `keys` to find it, the others to set; `only`: the
        rows must also have these column values (e.g. status="waiting"). The rows of one batch
        must not overlap (PostgreSQL runs the updates as one statement)."""
        if rows:
            self.ops.append(_Update(table, tuple(keys), rows, tuple(sorted(only.items()))))

    def __bool__(self) -> bool:
        return bool(self.ops)

    def execute(self, session) -> None:
        ops, self.ops = self.ops, []
        if not ops:
            return
        if session.bind.dialect.name == "postgresql":
            dialect = session.bind.dialect
            sql, processors = _compiled(tuple(op.shape() for op in ops), ops, dialect)
            session.connection().exec_driver_sql(sql, _parameters(ops, processors))
            return
        for op in ops:
            statement, parameters = _separate(op)
            session.execute(statement, parameters)


def row_values(obj) -> dict:
    """An ORM object's column values for a Core INSERT (see `insert_objects`)."""
    values_ = {}
    for col in obj.__table__.c:
        value = getattr(obj, col.key)
        if value is None and col.default is not None and col.default.is_scalar:
            value = col.default.arg
        if value is None and col is obj.__table__.autoincrement_column:
            continue  # a generated key
        values_[col.key] = value
    return values_


_SEPARATE: dict = {}  # the executemany statement by the op's shape (row count aside)


def _separate(op):
    """The op as one executemany: (statement, list of parameter dicts)."""
    if isinstance(op, _Insert):
        return op.table.insert(), op.rows
    table, keys = op.table, op.keys
    shape = (table.name, keys, tuple(op.rows[0]), op.only)  # any number of rows
    statement = _SEPARATE.get(shape)
    if statement is None:
        names = [name for name in op.rows[0] if name not in keys]
        statement = _SEPARATE[shape] = table.update().where(
            *(table.c[key] == bindparam(f"k_{key}") for key in keys),
            *(table.c[name] == value for name, value in op.only)
        ).values({name: bindparam(f"v_{name}") for name in names}).execution_options(
            synchronize_session=False)
    parameters = [{(f"k_{k}" if k in keys else f"v_{k}"): v for k, v in row.items()}
                  for row in op.rows]
    return statement, parameters


# --- PostgreSQL: one statement, compiled once per shape -------------------------------------

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 512
_CACHE_LOCK = threading.Lock()  # the in-process worker and the web threads share it


def _compiled(shape, ops, dialect):
    """The batch's one statement: (SQL text, ({(op, column): bind processor}, the parameters
    fixed in the text's shape))."""
    with _CACHE_LOCK:
        hit = _CACHE.get(shape)
        if hit is not None:
            _CACHE.move_to_end(shape)
            return hit
    statements = [_single(op, index) for index, op in enumerate(ops)]
    statement = statements[-1].add_cte(*(stmt.cte(f"w{index}")
                                         for index, stmt in enumerate(statements[:-1])))
    compiled = statement.compile(dialect=dialect)
    processors = {}
    for index, op in enumerate(ops):
        for name in op.rows[0]:
            kind = op.table.c[name].type.dialect_impl(dialect)
            processors[(index, name)] = kind.bind_processor(dialect)
    fixed = {name: value for name, value in compiled.params.items() if name.startswith("only")}
    hit = (compiled.string, (processors, fixed))
    with _CACHE_LOCK:
        _CACHE[shape] = hit
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return hit


def _parameters(ops, compiled_extra) -> dict:
    processors, fixed = compiled_extra
    parameters = dict(fixed)
    for index, op in enumerate(ops):
        for number, row in enumerate(op.rows):
            for name, value in row.items():
                processor = processors[(index, name)]
                parameters[f"p{index}r{number}_{name}"] = (
                    processor(value) if processor is not None else value)
    return parameters


def _single(op, index):
    """The op as one statement: a multi-row INSERT, or an UPDATE … FROM (VALUES …), with a
    named parameter per row and column (`_parameters` fills them)."""
    table, names = op.table, list(op.rows[0])

    def param(number, name):
        return bindparam(f"p{index}r{number}_{name}", type_=table.c[name].type)

    if isinstance(op, _Insert):
        return table.insert().values([{name: param(number, name) for name in names}
                                      for number in range(len(op.rows))])
    rows = values(*(column(name, table.c[name].type) for name in names), name=f"v{index}").data(
        [tuple(param(number, name) for name in names) for number in range(len(op.rows))])
    # Cast: a VALUES column of parameters has no type of its own in every case
    typed = {name: cast(rows.c[name], table.c[name].type) for name in names}
    return table.update().where(
        and_(*(table.c[key] == typed[key] for key in op.keys)),
        *(table.c[name] == bindparam(f"only{index}_{name}", value, type_=table.c[name].type)
          for name, value in op.only)
    ).values({name: typed[name] for name in names if name not in op.keys})
