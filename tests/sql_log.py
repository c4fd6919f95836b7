"""The SQL the app runs on its database while a test watches."""
import contextlib

from sqlalchemy import event

from data_access.db import get_engine


@contextlib.contextmanager
def statements():
    """The SQL statements run on the app's engine meanwhile, in order."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)
    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
