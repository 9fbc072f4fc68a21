"""Resident identity numbers (GB 11643-1999): checks, messages, conversion, masking and storage."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from registration.constants import Sex
from registration.identity import (
    identity_check_character,
    identity_decrypt,
    identity_encrypt,
    identity_hash,
    identity_make,
    identity_mask,
    identity_parse,
)

TODAY = datetime.date(2026, 3, 1)
# A published example number: 11010519491231002X (female, born 1949-12-31).
EXAMPLE = "11010519491231002X"


def code_of(raw, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        identity_parse(raw, today=TODAY, **kwargs)
    return info.value.code


def test_check_character_follows_iso_7064_mod_11_2():
    assert identity_check_character(EXAMPLE[:17]) == "X"
    assert identity_check_character("44052418800101001") == "4"


def test_valid_number_gives_birth_date_and_sex():
    parsed = identity_parse(EXAMPLE, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.sex) == (EXAMPLE, datetime.date(1949, 12, 31), Sex.FEMALE)
    male = identity_parse(identity_make("420102", datetime.date(1990, 2, 3), 131), today=TODAY)
    assert male.sex == Sex.MALE and male.birth_date == datetime.date(1990, 2, 3)


def test_lowercase_x_is_read_as_capital_x():
    parsed = identity_parse(EXAMPLE.lower(), today=TODAY)
    assert parsed.number == EXAMPLE


def test_spaces_and_full_width_digits_are_normalised():
    spaced = "110105 19491231 002x"
    assert identity_parse(spaced, today=TODAY).number == EXAMPLE
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in EXAMPLE)
    assert identity_parse(full_width, today=TODAY).number == EXAMPLE


def test_wrong_check_character_is_refused_with_its_own_message():
    wrong = EXAMPLE[:17] + "5"
    translation.activate("en")  # the message is checked in English
    with pytest.raises(ValidationError) as info:
        identity_parse(wrong, today=TODAY)
    assert info.value.code == "check_character"
    assert "check character" in info.value.messages[0]


def test_wrong_length_says_how_many_characters_were_given():
    with pytest.raises(ValidationError) as info:
        identity_parse("4201021985", today=TODAY)
    assert info.value.code == "length" and "10" in info.value.messages[0]


@pytest.mark.parametrize("raw", ["42010219850615A23X", "4201021985061512X3", "42010219850615-12"])
def test_letters_other_than_a_final_x_are_refused(raw):
    assert code_of(raw) in {"characters", "length"}
    assert code_of("42010219850615A23X") == "characters"


@pytest.mark.parametrize("birth", ["19850230", "19851301", "19850000", "18991231"])
def test_impossible_birth_date_is_refused(birth):
    body = "420102" + birth + "123"
    assert code_of(body + identity_check_character(body)) == "birth_date_invalid"


def test_future_birth_date_is_refused():
    body = "420102" + "20260302" + "123"
    assert code_of(body + identity_check_character(body)) == "birth_date_future"


def test_under_16_is_refused_but_16_on_the_day_is_accepted():
    sixteen_tomorrow = identity_make("420102", datetime.date(2010, 3, 2))
    sixteen_today = identity_make("420102", datetime.date(2010, 3, 1))
    assert code_of(sixteen_tomorrow) == "under_age"
    assert identity_parse(sixteen_today, today=TODAY).birth_date == datetime.date(2010, 3, 1)
    # Lookups (min_age=None) do not care about the age.
    assert identity_parse(sixteen_tomorrow, today=TODAY, min_age=None).number == sixteen_tomorrow


def test_fifteen_digit_number_is_converted_with_19_and_a_check_character():
    old = "420102850615123"  # first generation: 2-digit year, no check character
    parsed = identity_parse(old, today=TODAY)
    assert parsed.number == "42010219850615123" + identity_check_character("42010219850615123")
    assert parsed.converted_from_15 and parsed.birth_date == datetime.date(1985, 6, 15) and parsed.sex == Sex.MALE


def test_fifteen_digit_number_with_impossible_date_is_refused():
    assert code_of("420102851315123") == "birth_date_invalid"


def test_address_code_that_no_longer_exists_is_accepted():
    # 429999 is no division today; it is only the place of first registration.
    number = identity_make("429999", datetime.date(1980, 1, 1))
    assert identity_parse(number, today=TODAY).number == number


def test_mask_shows_first_six_and_last_four():
    assert identity_mask("42010219850615123X") == "420102********123X"


def test_hash_is_keyed_and_encryption_round_trips():
    number = identity_make()
    token = identity_encrypt(number)
    assert number not in token and identity_decrypt(token) == number
    first = identity_hash(number)
    assert len(first) == 64 and number not in first
    with override_settings(PERSONAL_DATA_HASH_KEY="another-key"):
        assert identity_hash(number) != first
