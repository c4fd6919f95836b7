"""Parse uploaded CSV and Excel files into rows of fields, with each row's number in the file.

The rules (docs/data-api.md, "Write"): the first row names the fields; rows that start with `#` and
a `comment` column are ignored; empty rows are skipped; numbers become numbers and dates ISO
timestamps; text must be UTF-8. Where the contract is silent:
- an empty cell is left out of its row's record (so optional schema fields may be blank);
- cells are stripped of surrounding spaces;
- whole numbers with a leading zero ("07700", "0123") or more than 15 digits stay text: they are
  codes, not counts;
- "true"/"false" stay text (only Excel's own booleans become booleans);
- dates: 2013-01-01, 2013-01-01T10:00[:00][Z or offset], the same with a space instead of T,
  and UK 01/02/2013 (day first) - without an offset, UTC is assumed; all become
  2013-01-01T00:00:00+00:00 style (UTC);
- the comment column is matched whatever its case ("Comment"); a row with nothing but a comment
  counts as empty; "comments" (a count in customer-satisfaction) is an ordinary field;
- trailing header cells that are empty are ignored, and so are empty cells beyond the header;
- CSV is comma separated; a `#` line inside a quoted cell is part of the cell;
- more than `max_rows` data rows (MAX_ROWS by default) is refused with that one error alone;
- row numbers count every row of the file, comments and empty ones included, as a spreadsheet does
  (a CSV cell holding a line break does not add a row).
Rows are then validated as records by ingest.records.validate_records(rows, config, row_numbers).
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from datetime import date, datetime, time, timedelta, timezone

from ingest.records import FIELD_NAME, SENT_RESERVED, ErrorList, RecordError, ValidationFailed

MAX_ROWS = 100_000  # data rows; more is refused with an error (split the file)
MAX_XLSX_UNPACKED = 200 * 2**20  # bytes; a 10 MiB upload of real data unpacks to far less
COMMENT_COLUMN = "comment"

INTEGER = re.compile(r"[+-]?(?:0|[1-9]\d{0,14})")
DECIMAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")


class CellError(Exception):
    """A cell whose value cannot be taken (an Excel error such as #DIV/0!)."""


def parse_csv(content: bytes, max_rows: int = MAX_ROWS) -> tuple[list[dict], list[int]]:
    """Rows of a UTF-8 CSV file (comma separated) and their row numbers; ValidationFailed if not."""
    text = _decode(content)
    lines = _CsvLines(text)
    return _table(_csv_rows(lines), _from_text, max_rows)


def parse_xlsx(content: bytes, max_rows: int = MAX_ROWS) -> tuple[list[dict], list[int]]:
    """Rows of the first sheet of an Excel .xlsx file and their row numbers."""
    workbook = _open_workbook(content)
    try:
        return _table(_xlsx_rows(workbook.worksheets[0]), _from_cell, max_rows)
    finally:
        workbook.close()


# --- CSV ---------------------------------------------------------------------------------------

def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise _failed(None, "the file is not text (it holds NUL bytes): upload a CSV file saved as UTF-8")
    try:
        return content.decode("utf-8-sig")  # a byte order mark, as Excel writes, is fine
    except UnicodeDecodeError as error:
        row = content[: error.start].count(b"\n") + 1
        message = (
            f"the file is not UTF-8 text (row {row} has a byte that is not UTF-8): "
            "save it as 'CSV UTF-8 (Comma delimited)'"
        )
        raise _failed(row, message) from None


class _CsvLines:
    """Feeds csv.reader one line at a time, drops `#` lines that start a row, counts rows.

    Skipping comments here, not after parsing, keeps a quote in a comment from swallowing the
    lines after it; a `#` line inside a quoted cell is part of the cell.
    """

    def __init__(self, text: str):
        self._lines = io.StringIO(text, newline="")
        self.row = 0  # the row being read, comments and empty rows counted
        self.in_row = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while True:
            line = next(self._lines)
            if self.in_row:
                return line
            self.row += 1
            if not line.startswith("#"):
                self.in_row = True
                return line


def _csv_rows(lines: _CsvLines):
    reader = csv.reader(lines, strict=True)  # an unclosed quote is an error, not a swallowed file
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            hint = " (a quoted cell is not closed)" if "end of data" in str(error) else ""
            raise _failed(lines.row, f"row {lines.row} could not be read as CSV: {error}{hint}") from None
        lines.in_row = False
        yield lines.row, cells


# --- Excel -------------------------------------------------------------------------------------

def _open_workbook(content: bytes):
    from openpyxl import load_workbook  # only uploads of Excel files need it

    _check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - a broken file raises zip, XML, key or value errors
        message = f"the file could not be read as an Excel .xlsx workbook ({type(error).__name__})"
        raise _failed(None, message) from None
    if not workbook.worksheets:
        workbook.close()
        raise _failed(None, "the workbook has no sheets")
    return workbook


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook that would unpack to more than MAX_XLSX_UNPACKED bytes (a zip bomb):
    openpyxl reads the shared strings whole, even in read-only mode."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _failed(None, "the file is not an Excel .xlsx workbook (it is not a zip archive)") from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise _failed(None, f"the workbook is too large: it unpacks to more than {MAX_XLSX_UNPACKED // 2**20} MiB")


def _xlsx_rows(sheet):
    sheet.reset_dimensions()  # some writers record wrong sheet dimensions, which would cut rows short
    try:
        for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
            values = [_ExcelError(c.value) if c.data_type == "e" else c.value for c in cells]
            if values and isinstance(values[0], str) and values[0].startswith("#"):
                continue  # a comment row
            yield number, values
    except Exception as error:  # noqa: BLE001 - malformed sheet XML surfaces while iterating
        message = f"the first sheet could not be read ({type(error).__name__})"
        raise _failed(None, message) from None


class _ExcelError:
    def __init__(self, code):
        self.code = code


def _from_cell(value):
    """An Excel cell's value as a record value (None = empty)."""
    if isinstance(value, _ExcelError):
        raise CellError(f"the cell holds the Excel error {value.code}")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("the number is not finite")
        # Excel keeps every number as a double: 287 is stored as 287.0
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return _iso(datetime(value.year, value.month, value.day))
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, str):
        return _from_text(value)
    return str(value)


# --- cells -------------------------------------------------------------------------------------

def _from_text(text: str):
    """A text cell as a number, an ISO timestamp, the text itself, or None when empty."""
    text = text.strip()
    if not text:
        return None
    if INTEGER.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text):
        number = float(text)
        return number if math.isfinite(number) else text
    return _as_timestamp(text) or text


def _as_timestamp(text: str) -> str | None:
    try:
        if ISO_DATE.fullmatch(text) or ISO_DATETIME.fullmatch(text):
            return _iso(datetime.fromisoformat(text))
        match = UK_DATE.fullmatch(text)
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            return _iso(datetime(year, month, day, hour, minute, second))
    except (ValueError, OverflowError):  # 2013-02-30 and the like stay text
        return None
    return None


def _iso(moment: datetime) -> str:
    """ISO 8601 in UTC with +00:00; a datetime without an offset is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat() + "+00:00"


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- the table ---------------------------------------------------------------------------------

def _table(rows, convert, max_rows: int) -> tuple[list[dict], list[int]]:
    """Header from the first non-empty row, then one dict per non-empty row; all errors together."""
    errors = ErrorList()
    header = None
    records, numbers = [], []
    for number, cells in rows:
        if header is None:
            if not all(_is_blank(cell) for cell in cells):
                header = _header(number, cells, errors)
            continue
        record = _row(number, cells, header, convert, errors)
        if record is None:
            continue
        if len(records) >= max_rows:
            raise _failed(number, f"the file has more than {max_rows} rows: split it into smaller files")
        records.append(record)
        numbers.append(number)
    if header is None:
        raise _failed(None, "the file is empty: its first row must name the fields")
    errors.raise_if_any()
    return records, numbers


def _header(number: int, cells: list, errors: ErrorList) -> list[str | None]:
    """Field names by column; None for a column that is ignored (comment, or unnamed)."""
    names = [("" if cell is None else str(cell)).strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    header: list[str | None] = []
    for position, name in enumerate(names):
        column = f"column {column_letter(position)}"
        if name.lower() == COMMENT_COLUMN:
            header.append(None)
            continue
        problem = _name_problem(name, names[:position])
        if problem:
            errors.add(number, name or column, f"{column} of the header row: {problem}")
        header.append(name or None)
    return header


def _name_problem(name: str, earlier: list[str]) -> str | None:
    if not name:
        return "the column has no name"
    if name in earlier:
        return f"the name '{name}' is used by more than one column"
    if not FIELD_NAME.fullmatch(name):
        return (
            f"'{name}' is not a field name: use lower-case letters, digits and underscores, "
            "at least 2 characters, not starting with a digit"
        )
    if name.startswith("_") and name not in SENT_RESERVED:
        return f"'{name}' is reserved: of names starting with '_' only _timestamp, _start_at, _end_at and _id may be sent"
    return None


def _row(number: int, cells: list, header: list, convert, errors: ErrorList) -> dict | None:
    """The row as {field: value}; None for a row with nothing in it but comments."""
    record = {}
    has_data = False
    for position, cell in enumerate(cells):
        if _is_blank(cell):
            continue
        if position >= len(header):
            column = f"column {column_letter(position)}"
            errors.add(number, column, f"row {number} has a value in {column}, which has no name in the first row")
            has_data = True
            continue
        name = header[position]
        if name is None:  # the comment column, or a column already reported as unnamed
            continue
        has_data = True
        try:
            record[name] = convert(cell)
        except CellError as error:
            errors.add(number, name, f"row {number}, column {column_letter(position)} ({name}): {error}")
    return record if has_data else None


def column_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: as spreadsheets name columns."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _failed(row: int | None, message: str) -> ValidationFailed:
    return ValidationFailed([RecordError(row, None, message)])
