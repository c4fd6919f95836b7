"""The data API's read side: parse a query (parse.py) and shape its answer (answers.py); no SQL, no Flask."""
from query.parse import Collect, InvalidQuery, Query, parse_query

__all__ = ["Collect", "InvalidQuery", "Query", "parse_query"]
