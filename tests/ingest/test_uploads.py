"""Uploads: CSV and Excel files into rows with their row numbers, errors naming row and column."""
import io
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.records import DataSetConfig, RecordError, ValidationFailed, validate_records
from ingest.uploads import column_letter, parse_csv, parse_xlsx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

EXAMPLE_ROWS = [
    {"start_at": "2013-01-01T00:00:00+00:00", "end_at": "2013-01-07T00:00:00+00:00",
     "key": "cheese and marmite sandwich", "value": 287},
    {"start_at": "2013-01-01T00:00:00+00:00", "end_at": "2013-01-07T00:00:00+00:00",
     "key": "chocolate cake", "value": 425},
    {"start_at": "2013-01-01T00:00:00+00:00", "end_at": "2013-01-07T00:00:00+00:00",
     "key": "stilton cheese", "value": 753},
    {"start_at": "2013-01-08T00:00:00+00:00", "end_at": "2013-01-08T00:00:00+00:00",
     "key": "spaghetti sandwich", "value": 12},
]


def csv_errors(text, **options) -> list[RecordError]:
    content = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(ValidationFailed) as failure:
        parse_csv(content, **options)
    return failure.value.errors


def workbook(*rows, sheets=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for title, extra_rows in (sheets or {}).items():
        extra = book.create_sheet(title)
        for row in extra_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_errors(content, **options) -> list[RecordError]:
    with pytest.raises(ValidationFailed) as failure:
        parse_xlsx(content, **options)
    return failure.value.errors


# --- the example files the original platform gave to service teams ---------------------------

def test_the_example_csv_imports():
    rows, numbers = parse_csv((FIXTURES / "example-upload.csv").read_bytes())
    assert rows == EXAMPLE_ROWS
    assert numbers == [3, 4, 6, 8]  # comment lines and the empty row count as rows of the file


def test_the_example_xlsx_imports():
    rows, numbers = parse_xlsx((FIXTURES / "example-upload.xlsx").read_bytes())
    assert rows == EXAMPLE_ROWS
    assert numbers == [2, 3, 4, 5]


def test_the_example_rows_validate_as_records():
    rows, numbers = parse_csv((FIXTURES / "example-upload.csv").read_bytes())
    records = validate_records(rows, DataSetConfig("sandwiches", "sales"), numbers)
    assert [r.data for r in records] == EXAMPLE_ROWS


# --- CSV rules --------------------------------------------------------------------------------

def test_comment_lines_anywhere_and_a_comment_column_are_ignored():
    rows, numbers = parse_csv(b"# intro, with commas\nname,comment,count\n# again\nab,why,1\n#end\n")
    assert rows == [{"name": "ab", "count": 1}]
    assert numbers == [4]


def test_a_quote_in_a_comment_line_does_not_swallow_the_rows_after_it():
    rows, _ = parse_csv(b'name,count\n# a "quoted, note\nab,1\ncd,2\n')
    assert rows == [{"name": "ab", "count": 1}, {"name": "cd", "count": 2}]


def test_a_hash_inside_a_quoted_cell_is_text():
    rows, numbers = parse_csv(b'name,count\n"line one\n#line two",1\n"#tag",2\nxy,3\n')
    assert rows == [{"name": "line one\n#line two", "count": 1}, {"name": "#tag", "count": 2}, {"name": "xy", "count": 3}]
    assert numbers == [2, 3, 4]  # a spreadsheet's rows, not the file's lines


def test_empty_rows_and_rows_with_only_a_comment_are_skipped():
    rows, numbers = parse_csv(b"\n\nname,count,comment\n,,\n  ,\t,\n,,only a note\nab,1,\n\n")
    assert rows == [{"name": "ab", "count": 1}]
    assert numbers == [7]


def test_empty_cells_are_left_out_and_short_rows_are_fine():
    rows, _ = parse_csv(b"name,count,period\nab,,week\ncd\n")
    assert rows == [{"name": "ab", "period": "week"}, {"name": "cd"}]


@pytest.mark.parametrize(
    "cell, value",
    [
        ("287", 287), ("-3", -3), ("+5", 5), ("0", 0), ("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5),
        ("1e3", 1000.0), ("287.0", 287.0), (" 42 ", 42),
        ("007", "007"), ("07700900123", "07700900123"), ("1234567890123456", "1234567890123456"),
        ("123456789012345", 123456789012345), ("1,234", None), ("NaN", "NaN"), ("inf", "inf"), ("1e999", "1e999"),
        ("true", "true"), ("£2.57", "£2.57"), ("45%", "45%"),
        ("2013-01-01", "2013-01-01T00:00:00+00:00"),
        ("2013-01-01T10:30", "2013-01-01T10:30:00+00:00"),
        ("2013-01-01 10:30:15", "2013-01-01T10:30:15+00:00"),
        ("2013-01-01T10:30:00Z", "2013-01-01T10:30:00+00:00"),
        ("2013-07-01T10:30:00+01:00", "2013-07-01T09:30:00+00:00"),
        ("2013-07-01T10:30:00.5+0100", "2013-07-01T09:30:00.500000+00:00"),
        ("01/02/2013", "2013-02-01T00:00:00+00:00"),  # UK order: day first
        ("1/2/2013 9:05", "2013-02-01T09:05:00+00:00"),
        ("2013-02-30", "2013-02-30"), ("31/02/2013", "31/02/2013"), ("2013", 2013), ("12:00", "12:00"),
        ("cheese and marmite sandwich", "cheese and marmite sandwich"),
    ],
)
def test_cells_become_numbers_timestamps_or_text(cell, value):
    if value is None:  # a cell with a comma is quoted
        rows, _ = parse_csv(f'name,value\nab,"{cell}"\n'.encode())
        assert rows[0]["value"] == cell
        return
    rows, _ = parse_csv(f"name,value\nab,{cell}\n".encode())
    assert rows[0]["value"] == value
    assert type(rows[0]["value"]) is type(value)


def test_a_utf8_byte_order_mark_is_fine_and_text_stays_unicode():
    rows, _ = parse_csv("\ufeffplace,count\nYnys Môn,3\n".encode("utf-8"))
    assert rows == [{"place": "Ynys Môn", "count": 3}]


def test_windows_line_endings_are_fine():
    rows, numbers = parse_csv(b"name,count\r\n#c\r\nab,1\r\ncd,2")
    assert rows == [{"name": "ab", "count": 1}, {"name": "cd", "count": 2}]
    assert numbers == [3, 4]


def test_non_utf8_text_is_refused_with_its_row():
    errors = csv_errors("name,count\nab,1\nMôn,2\n".encode("latin-1"))
    assert len(errors) == 1
    assert errors[0].index == 3
    assert "not UTF-8" in errors[0].message and "CSV UTF-8" in errors[0].message


def test_binary_files_are_refused():
    errors = csv_errors((FIXTURES / "example-upload.xlsx").read_bytes())
    assert len(errors) == 1 and "not" in errors[0].message


def test_an_empty_file_is_refused():
    assert "empty" in csv_errors(b"")[0].message
    assert "empty" in csv_errors(b"# only a comment\n\n,,\n")[0].message


def test_a_header_without_rows_is_no_rows():
    assert parse_csv(b"name,count\n") == ([], [])


def test_duplicate_empty_and_bad_header_names_name_their_column():
    errors = csv_errors(b"# header below\nname,count,,name,Total,_x,,\nab,1,,cd,2,3\n")
    assert [(e.index, e.field) for e in errors] == [
        (2, "column C"), (2, "name"), (2, "Total"), (2, "_x"),
    ]
    assert errors[0].message == "column C of the header row: the column has no name"
    assert "column D" in errors[1].message and "more than one column" in errors[1].message
    assert "column E" in errors[2].message and "not a field name" in errors[2].message
    assert "reserved" in errors[3].message


def test_trailing_empty_header_cells_and_cells_are_fine():
    rows, _ = parse_csv(b"name,count,,\nab,1,,\n")
    assert rows == [{"name": "ab", "count": 1}]


def test_cells_beyond_the_header_are_errors_naming_row_and_column():
    errors = csv_errors(b"name,count\nab,1\ncd,2,x\nef,3,,y\n")
    assert [(e.index, e.field) for e in errors] == [(3, "column C"), (4, "column D")]
    assert errors[0].message == "row 3 has a value in column C, which has no name in the first row"


def test_an_unclosed_quote_is_refused_with_its_row():
    errors = csv_errors(b'name,count\nab,1\ncd,"2\nef,3\n')
    assert errors[0].index == 3
    assert "not closed" in errors[0].message


def test_too_many_rows_are_refused_with_a_clear_error():
    text = "name,count\n" + "".join(f"ab,{n}\n" for n in range(6))
    assert len(parse_csv(text.encode(), max_rows=6)[0]) == 6
    errors = csv_errors(text, max_rows=5)
    assert errors == [RecordError(7, None, "the file has more than 5 rows: split it into smaller files")]


def test_errors_of_many_rows_are_all_listed_then_capped():
    text = "name,count\n" + "ab,1,x\n" * 1200
    errors = csv_errors(text)
    assert len(errors) == 1001
    assert errors[-1].message == "200 more error(s) not listed"


def test_upload_rows_validate_with_file_row_numbers():
    rows, numbers = parse_csv(b"# comment\n_timestamp,channel,count\n2013-01-07,digital,5\n2013-01-14,phone,x@y.com\n")
    with pytest.raises(ValidationFailed) as failure:
        validate_records(rows, DataSetConfig("g", "t"), numbers)
    assert [(e.index, e.field) for e in failure.value.errors] == [(4, "count")]


def test_upload_timestamps_validate():
    rows, numbers = parse_csv(b"_timestamp,count\n2013-01-07,5\n07/01/2013 10:00,6\n")
    records = validate_records(rows, DataSetConfig("g", "t"), numbers)
    assert [r.timestamp for r in records] == [datetime(2013, 1, 7), datetime(2013, 1, 7, 10)]


# --- Excel ------------------------------------------------------------------------------------

def test_excel_cells_keep_their_types():
    content = workbook(
        ["_timestamp", "count", "rate", "done", "day", "at", "text_count", "code"],
        [datetime(2013, 1, 7, 10, 30), 287.0, 0.25, True, date(2013, 1, 7), time(9, 30), "42", "0123"],
        [datetime(2013, 1, 7, 10, 30), 2, 1.5, False, "2013-01-08", "2013-01-08T00:00Z", "x", None],
    )
    rows, numbers = parse_xlsx(content)
    assert rows == [
        {"_timestamp": "2013-01-07T10:30:00+00:00", "count": 287, "rate": 0.25, "done": True,
         "day": "2013-01-07T00:00:00+00:00", "at": "09:30:00", "text_count": 42, "code": "0123"},
        {"_timestamp": "2013-01-07T10:30:00+00:00", "count": 2, "rate": 1.5, "done": False,
         "day": "2013-01-08T00:00:00+00:00", "at": "2013-01-08T00:00:00+00:00", "text_count": "x"},
    ]
    assert type(rows[0]["count"]) is int
    assert numbers == [2, 3]


def test_excel_comment_rows_comment_column_and_empty_rows_are_ignored():
    content = workbook(
        ["# a note about the sheet"],
        [],
        ["name", "comment", "count"],
        ["# a note between rows", None, 5],
        ["ab", "ignored", 1],
        [None, "only a note", None],
        [],
        ["cd", None, 2],
    )
    rows, numbers = parse_xlsx(content)
    assert rows == [{"name": "ab", "count": 1}, {"name": "cd", "count": 2}]
    assert numbers == [5, 8]


def test_only_the_first_sheet_is_read():
    content = workbook(["name", "count"], ["ab", 1], sheets={"Other": [["other", "x"], ["zz", 9]]})
    assert parse_xlsx(content) == ([{"name": "ab", "count": 1}], [2])


def test_excel_error_cells_are_errors_naming_row_and_column():
    content = workbook(["name", "count"], ["ab", "#DIV/0!"], ["cd", 2])
    errors = xlsx_errors(content)
    assert [(e.index, e.field) for e in errors] == [(2, "count")]
    assert "row 2, column B (count)" in errors[0].message and "#DIV/0!" in errors[0].message


def test_excel_header_problems_are_errors():
    errors = xlsx_errors(workbook(["name", "name", None, "count"], ["ab", "cd", None, 1]))
    assert [(e.index, e.field) for e in errors] == [(1, "name"), (1, "column C")]


def test_excel_rows_beyond_the_header_are_errors():
    errors = xlsx_errors(workbook(["name", "count"], ["ab", 1, "extra"]))
    assert [(e.index, e.field) for e in errors] == [(2, "column C")]


def test_excel_with_too_many_rows_is_refused():
    content = workbook(["name", "count"], *[["ab", n] for n in range(10)])
    errors = xlsx_errors(content, max_rows=9)
    assert errors == [RecordError(11, None, "the file has more than 9 rows: split it into smaller files")]


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken", (FIXTURES / "example-upload.csv").read_bytes()])
def test_files_that_are_not_workbooks_are_refused(content):
    errors = xlsx_errors(content)
    assert len(errors) == 1 and "Excel" in errors[0].message


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "Excel" in xlsx_errors(buffer.getvalue())[0].message


def test_a_workbook_that_unpacks_to_too_much_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (201 * 2**20))
    errors = xlsx_errors(buffer.getvalue())
    assert "too large" in errors[0].message


def test_column_letters_are_as_in_spreadsheets():
    assert [column_letter(n) for n in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]


# --- properties -------------------------------------------------------------------------------

def rows_or_errors(parse, content, **options):
    """A result, or a failure with messages; any other exception fails the test."""
    try:
        rows, numbers = parse(content, **options)
    except ValidationFailed as failure:
        assert failure.errors and all(isinstance(e, RecordError) and e.message for e in failure.errors)
        return None
    assert len(rows) == len(numbers) and numbers == sorted(set(numbers))
    assert all(isinstance(row, dict) and row for row in rows)
    return rows


CSV_PIECES = st.sampled_from(list('ab_c12.-#," \n\r\t:/Zé\ufeff') + ["comment", "2013-01-01", "count", '""', "\r\n"])
CSV_TEXT = st.lists(CSV_PIECES, max_size=60).map("".join)


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_any_bytes_as_csv_give_rows_or_errors(content):
    rows_or_errors(parse_csv, content)


@given(CSV_TEXT, st.integers(min_value=0, max_value=5))
@settings(max_examples=300, deadline=None)
def test_any_csv_text_gives_rows_or_errors(text, max_rows):
    rows = rows_or_errors(parse_csv, text.encode("utf-8"), max_rows=max_rows)
    if rows is not None:
        assert len(rows) <= max_rows
        try:
            validate_records(rows, DataSetConfig("g", "t"))
        except ValidationFailed as failure:
            assert failure.errors


@given(st.binary(max_size=300) | st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b))
@settings(max_examples=100, deadline=None)
def test_any_bytes_as_xlsx_give_rows_or_errors(content):
    rows_or_errors(parse_xlsx, content)


EXCEL_VALUES = (
    st.none() | st.booleans() | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2100, 1, 1)).map(lambda d: d.replace(microsecond=0))
    | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
    | st.sampled_from(["#N/A", "# note", "comment", "2013-01-01", "007"])
)


@given(st.lists(st.lists(EXCEL_VALUES, max_size=4), max_size=5))
@settings(max_examples=40, deadline=None)
def test_any_workbook_gives_rows_or_errors(rows):
    rows_or_errors(parse_xlsx, workbook(*rows))


HEADERS = st.lists(st.sampled_from(["count", "channel", "period", "_timestamp", "comment", "key", "value"]),
                   min_size=1, max_size=5, unique=True)
CELLS = st.sampled_from(["", " ", "287", "1.5", "007", "2013-01-01", "01/02/2013", "digital", "a, b", 'say "hi"',
                         "two\nlines", "#tag", "x@y.com", "SW1A 1AA", "é"])


@given(HEADERS, st.lists(st.lists(CELLS, max_size=5), max_size=8))
@settings(max_examples=150, deadline=None)
def test_a_written_csv_gives_one_row_per_row_with_data(header, body):
    import csv

    # no cells beyond the header; no row starting with # (that line would be a comment, by the rules)
    body = [[cell.lstrip("#") if n == 0 else cell for n, cell in enumerate(cells[: len(header)])] for cells in body]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *body])
    rows, numbers = parse_csv(buffer.getvalue().encode("utf-8"))
    expected = [
        position + 2
        for position, cells in enumerate(body)
        if not (cells and cells[0].startswith("#"))  # a row starting with # is a comment, by the rules
        and any(cell.strip() and name != "comment" for name, cell in zip(header, cells))
    ]
    assert numbers == expected
    assert all("comment" not in row for row in rows)
    try:
        records = validate_records(rows, DataSetConfig("g", "t"), numbers)
        assert len(records) == len(rows)
    except ValidationFailed as failure:
        assert failure.errors and {e.index for e in failure.errors} <= set(numbers)
