"""The privacy guard: personal data is found, real performance data is not flagged."""
import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.privacy import (
    BIRTH_DATE,
    CARD,
    EMAIL,
    NI_NUMBER,
    PHONE,
    POSTCODE,
    find_personal_data,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "value",
    [
        "jane.smith@example.com",
        "JANE_SMITH+benefits@example.co.uk",
        "contact o'brien@dwp.gsi.gov.uk about the claim",
        "Complaint from a.b-c@mail.example.org.",
        "mailto:someone@example.com",
    ],
)
def test_email_addresses_are_found(value):
    assert find_personal_data("note", value) == EMAIL


@pytest.mark.parametrize(
    "value",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900123",
        "020 7946 0958",
        "(020) 7946 0958",
        "+44 (0)20 7946 0958",
        "0161-496-0000",
        "01632 960001",
        "0800 123 4567",
        "call him on 0113 496 0000 after 5pm",
    ],
)
def test_uk_phone_numbers_are_found(value):
    assert find_personal_data("note", value) == PHONE


@pytest.mark.parametrize(
    "value",
    ["QQ 12 34 56 C", "QQ123456C", "AB123456D", "ab123456c", "JG 10 37 59 A", "NI: JG103759A."],
)
def test_national_insurance_numbers_are_found(value):
    assert find_personal_data("note", value) == NI_NUMBER


@pytest.mark.parametrize(
    "value",
    ["SW1A 1AA", "SW1A1AA", "sw1a 1aa", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB",
     "lives at 10 Downing Street, London SW1A 2AA"],
)
def test_full_postcodes_are_found(value):
    assert find_personal_data("note", value) == POSTCODE


@pytest.mark.parametrize(
    "value",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "5555555555554444",
        "378282246310005",  # Amex, 15 digits
        "6011 1111 1111 1117",
        "2223000048400011",  # Mastercard 2-series
        "4222222222222",  # Visa, 13 digits
        "paid with 4012 8888 8888 1881 yesterday",
    ],
)
def test_payment_card_numbers_are_found(value):
    assert find_personal_data("note", value) == CARD


@pytest.mark.parametrize(
    "field, value",
    [
        ("note", "born 12/03/1980"),
        ("note", "Born on 12 March 1980"),
        ("note", "DOB: 12/03/1980"),
        ("note", "d.o.b. 1980-03-12"),
        ("note", "date of birth - March 12, 1980"),
        ("note", "Birthday: 12.03.80"),
        ("dob", "12/03/1980"),
        ("date_of_birth", "1980-03-12"),
        ("date_of_birth", "1980-03-12T00:00:00+00:00"),
        ("birth_date", "12 Mar 1980"),
        ("dateofbirth", "19800312"),
        ("applicant_dob", "12-03-1980"),
        ("birthday", "1st April 1990"),
    ],
)
def test_dates_of_birth_are_found(field, value):
    assert find_personal_data(field, value) == BIRTH_DATE


@pytest.mark.parametrize(
    "value",
    [
        "2013-01-01T00:00:00+00:00",
        "2013-01-01T00:00:00Z",
        "2013-01-01 10:00:00",
        "2014-03-19T10:44:32.285000",
        "2013-01-01",
        "01/01/2013",
        "287",
        "2481770",
        "6378148.899999999",
        "0.9312530975876089",
        "-12.5",
        "1234567890123",  # 13 digits, fails the Luhn check
        "4111111111111112",  # a card-like number that fails the Luhn check
        "9111111111111111",  # Luhn-valid, but no card issuer starts with 9
        "20130101000000",  # a compact timestamp
        "0123456789",  # ten digits: too short for a UK number with its 0
        "0.1234567890",
        "digital",
        "face_to_face",
        "phone",
        "paper",
        "Channel not reported",
        "ca_clerical_received",
        "property_and_financial_forms_posted",
        "https://www.gov.uk/tax-disc",
        "https://www.gov.uk/apply-carers-allowance/y/about-you",
        "http://www.cps.gov.uk/legal/v_to_z/witnesses_expenses_and_allowances/",
        "https://twitter.com/@gdsteam",
        "@gdsteam",
        "Carer's Allowance: new claims",
        "Vehicle tax: renewals (V11 reminder)",
        "E-petitions created",
        "April 2016 to March 2017",
        "October 2016 to September 2017: volume",
        "week", "month", "quarter", "year",
        "seasonally-adjusted",
        "MjAxMi0xMC0wMSAwMDowMDowMDIwMTMtMTAtMDEgMDA6MDA6MDBiaXMtYW5udWFsLXJldHVybnM=",
        "5200f7aa686c824fa7cf3235",
        "SW1A",  # an outward code alone is not a full postcode
        "SW1A and M1",
        "CR2",
        "M1 1st floor",
        "the 2nd and 3rd quarters",
        "costs up 250000 a year",
        "issue NI numbers if the applicant does not have one",
        "Q3 2016",
        "rating_5",
        "about-you",
        "V5C",
        "P60",
        "Form SA100",
        "cost per transaction £2.57",
        "born digital",
        "date of birth not recorded",
        "20 7946 0958",  # no leading 0 or +44
    ],
)
def test_ordinary_values_are_not_flagged(value):
    assert find_personal_data("note", value) is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("_timestamp", "2013-01-01T00:00:00+00:00"),
        ("end_at", "2013-10-01T00:00:00+00:00"),
        ("births_registered", "2013-01-01T00:00:00+00:00"),  # about births, not a birth date
        ("dob", "not known"),
        ("date_of_birth", "1980"),  # a year alone is not a date
    ],
)
def test_fields_and_values_that_are_not_birth_dates(field, value):
    assert find_personal_data(field, value) is None


def test_the_real_published_data_is_not_flagged():
    """Every cell of the GOV.UK Performance Platform's published volumes: names, URLs, notes."""
    path = ROOT / "data" / "govuk-pp" / "transaction-volumes.csv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    flagged = [
        (name, value)
        for row in rows
        for name, value in zip(rows[0], row)
        if find_personal_data(name.lower().replace(" ", "_"), value)
    ]
    assert flagged == []


@given(st.text(max_size=300), st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_a_reason_or_none(value, field):
    assert find_personal_data(field, value) in (None, EMAIL, PHONE, NI_NUMBER, POSTCODE, CARD, BIRTH_DATE)


@given(st.datetimes(timezones=st.timezones()))
@settings(max_examples=200, deadline=None)
def test_iso_timestamps_are_never_flagged(moment):
    assert find_personal_data("_timestamp", moment.isoformat()) is None


@given(st.integers(min_value=-(10**12), max_value=10**12) | st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=200, deadline=None)
def test_plain_numbers_are_never_flagged(number):
    assert find_personal_data("count", str(number)) is None


@given(st.from_regex(r"[a-z]+(?:[-_][a-z]+){0,5}", fullmatch=True))
@settings(max_examples=200, deadline=None)
def test_slugs_and_channel_names_are_never_flagged(name):
    assert find_personal_data("channel", name) is None


def luhn_complete(digits: str) -> str:
    for check in "0123456789":
        number = digits + check
        total = sum(
            (int(d) * 2 - 9 if int(d) * 2 > 9 else int(d) * 2) if i % 2 else int(d)
            for i, d in enumerate(reversed(number))
        )
        if total % 10 == 0:
            return number
    raise AssertionError


@given(st.from_regex(r"4[0-9]{14}", fullmatch=True))
@settings(max_examples=100, deadline=None)
def test_any_luhn_valid_visa_number_is_found(start):
    number = luhn_complete(start)
    spaced = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    assert find_personal_data("note", number) == CARD
    assert find_personal_data("note", f"card {spaced} used") == CARD


def test_a_long_value_is_checked_in_linear_time():
    import time

    values = ["a" * 200_000, "1 " * 100_000, "a@" * 100_000, "0" * 200_000, "AB " * 70_000, "12/" * 70_000,
              "born" + " " * 200_000 + "x", "DOB:" + "\t" * 200_000, "a@b" + ".b" * 100_000 + "!"]
    started = time.perf_counter()
    for value in values:
        find_personal_data("note", value)
    assert time.perf_counter() - started < 2
