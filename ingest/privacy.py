"""Find personal data in a value a service sends: the platform takes aggregated, anonymised figures only.

`find_personal_data(field, value)` answers why a value looks personal, or None. Every pattern is
searched anywhere in the text (free text is checked too) and is written to stay linear in the
length of the value. The patterns lean towards few false alarms on real performance data: ISO
timestamps, counts, URLs, channel, service and period names must pass.
"""
from __future__ import annotations

import re

EMAIL = "looks like an email address"
PHONE = "looks like a UK phone number"
NI_NUMBER = "looks like a National Insurance number"
POSTCODE = "looks like a full UK postcode"
CARD = "looks like a payment card number"
BIRTH_DATE = "looks like a date of birth"

# the lookbehind makes a match start only where a run of such characters starts (linear time)
EMAIL_PATTERN = re.compile(
    r"(?<![\w.%+'-])[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)

# +44 / 0044 / +44 (0) / 0 / (0, then a 10-digit national number: 1 and 2 geographic, 3 non-geographic,
# 5 and 7 mobile and personal, 8 freephone; spaces, dashes and a closing bracket between digits
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)[1-35789](?:[ )-]{0,2}\d){9}(?![\d-])"
)

# two letters, six digits (often in pairs), a suffix letter A-D; HMRC's own example "QQ 12 34 56 C"
# breaks the prefix rules, so any two letters are taken. Spaced out only in capitals: in lower case
# that is ordinary text ("up 250000 a year").
NI_PATTERN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])")
NI_COMPACT = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{6}[A-Da-d](?![A-Za-z0-9])")

# the postcode areas (with BF, BX and the Crown Dependencies): an outward code starts with one
POSTCODE_AREAS = frozenset(
    """AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN
    LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP
    SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE""".split()
)
# outward code (area, district, optional letter or digit), optional space, inward code (digit and
# two letters, never C I K M O V)
POSTCODE_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2})\d[A-Za-z0-9]? ?(\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})(?![A-Za-z0-9])"
)
ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")

# 13 to 19 digits, single spaces or dashes allowed between them; not the decimals of a number
CARD_PATTERN = re.compile(r"(?<![\d.])\d(?:[ -]?\d){12,18}(?!\d|\.\d)")

MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"  # 12/03/1980, 12-03-80
    r"|\d{4}-\d{2}-\d{2}"  # 1980-03-12 (also the start of an ISO timestamp)
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}\s+\d{{2,4}}"  # 12 March 1980
    rf"|{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 12, 1980
    r"|\d{8})"  # 19800312
)
DATE_PATTERN = re.compile(rf"(?<![\w/.-])(?:{DATE}(?![\w/])|\d{{4}}-\d{{2}}-\d{{2}}T)", re.IGNORECASE)
# "born 12/03/1980", "DOB: 12.03.80", "date of birth - 12 March 1980", "birthday 1980-03-12"
BIRTH_PHRASE = re.compile(
    rf"\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday)\s*(?:[:=-]\s*)?{DATE}(?![\w/])",
    re.IGNORECASE,
)
DIGIT = re.compile(r"\d")
# a field whose name says it holds a birth date: dob, date_of_birth, birth_date, birthday, born_on
BIRTH_FIELD = re.compile(r"(?:^|_)(?:dob|d_o_b|date_?of_?birth|birth_?date|birth_?day|born_?on)(?:_|$)")


def find_personal_data(field: str, value: str) -> str | None:
    """Why `value` (sent in `field`) looks like personal data, or None if it does not.

    The field name matters for dates of birth only: a date in a field named like dob or
    date_of_birth is one, while a date elsewhere needs words such as "born" or "DOB" before it.
    """
    if not isinstance(value, str) or not value:
        return None
    if not DIGIT.search(value):  # every pattern but the email address's needs a digit
        return _email(field or "", value)
    for check in (_email, _birth_date, _ni_number, _card, _phone, _postcode):
        reason = check(field or "", value)
        if reason:
            return reason
    return None


def _email(field: str, value: str) -> str | None:
    return EMAIL if "@" in value and EMAIL_PATTERN.search(value) else None


def _phone(field: str, value: str) -> str | None:
    return PHONE if PHONE_PATTERN.search(value) else None


def _ni_number(field: str, value: str) -> str | None:
    found = NI_PATTERN.search(value) or NI_COMPACT.search(value)
    return NI_NUMBER if found else None


def _postcode(field: str, value: str) -> str | None:
    for match in POSTCODE_PATTERN.finditer(value):
        area, inward = match.group(1), match.group(2)
        if area.upper() not in POSTCODE_AREAS:
            continue
        if inward.islower() and ORDINAL.fullmatch(inward):  # "M1 1st floor" is not a postcode
            continue
        return POSTCODE
    return None


def _card(field: str, value: str) -> str | None:
    for match in CARD_PATTERN.finditer(value):
        digits = re.sub(r"\D", "", match.group())
        if _card_prefix(digits) and _luhn_valid(digits):
            return CARD
    return None


def _birth_date(field: str, value: str) -> str | None:
    if BIRTH_PHRASE.search(value):
        return BIRTH_DATE
    if BIRTH_FIELD.search(field.lower()) and DATE_PATTERN.search(value):
        return BIRTH_DATE
    return None


def _card_prefix(digits: str) -> bool:
    """Issuers' ranges: 3 (Amex, Diners, JCB), 4 (Visa), 5 and 2221-2720 (Mastercard), 6 (Maestro...)."""
    return digits[0] in "3456" or 2221 <= int(digits[:4]) <= 2720


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        number = int(digit)
        if position % 2 == 1:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0
