"""USCC (GB 32100-2015) and food-licence number validation: properties and each rule."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from licensing.identifiers import (
    USCC_ALPHABET,
    USCC_REGISTRATION_AUTHORITIES,
    make_food_licence_number,
    make_uscc,
    validate_food_licence_number,
    validate_uscc,
)

PAIRS = [(a, c) for a, (_, cats) in USCC_REGISTRATION_AUTHORITIES.items() for c in cats]
ORG_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

usccs = st.builds(
    lambda pair, division, body: make_uscc(
        authority=pair[0], category=pair[1], division=division, org_body=body
    ),
    st.sampled_from(PAIRS),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ORG_BODY_CHARS, min_size=8, max_size=8),
)
food_numbers = st.builds(
    lambda subject, division, serial: make_food_licence_number(
        subject_type=subject, division=division, serial=serial
    ),
    st.sampled_from([1, 2, 3]),
    st.text("0123456789", min_size=6, max_size=6),
    st.integers(0, 999_999),
)


def _code(value, validator=validate_uscc):
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.code, caught.value.messages[0]


# --- properties --------------------------------------------------------------------


@given(usccs)
def test_generated_usccs_validate_and_round_trip(uscc):
    assert validate_uscc(uscc) == uscc
    assert validate_uscc(f"  {uscc.lower()} ") == uscc


@given(usccs, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_every_single_character_change_of_a_uscc_fails(uscc, position, replacement):
    if uscc[position] == replacement:
        replacement = USCC_ALPHABET[(USCC_ALPHABET.index(replacement) + 1) % 31]
    changed = uscc[:position] + replacement + uscc[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


@given(usccs, st.integers(0, 16))
def test_swapping_two_adjacent_characters_of_a_uscc_fails(uscc, position):
    a, b = uscc[position], uscc[position + 1]
    if a == b:
        return
    swapped = uscc[:position] + b + a + uscc[position + 2 :]
    with pytest.raises(ValidationError):
        validate_uscc(swapped)


@given(food_numbers)
def test_generated_food_licence_numbers_validate(number):
    assert validate_food_licence_number(number) == number
    assert validate_food_licence_number(number.lower()) == number


@given(food_numbers, st.integers(2, 15), st.sampled_from("0123456789"))
def test_every_single_digit_change_of_a_food_licence_number_fails(number, position, digit):
    if number[position] == digit:
        digit = str((int(digit) + 1) % 10)
    changed = number[:position] + digit + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_food_licence_number(changed)


# --- USCC rules, one case each --------------------------------------------------------


@pytest.mark.parametrize("uscc", ["91350100M000100Y43", "91110000802100433B", "9131000013221158XC"])
def test_published_usccs_validate(uscc):
    assert validate_uscc(uscc) == uscc


def test_old_division_codes_still_validate():
    chongming_county = make_uscc(division="310230", org_body="MA1G0001")
    assert validate_uscc(chongming_county) == chongming_county


def test_full_width_and_spaces_are_normalised():
    assert validate_uscc("　９１３５０１００Ｍ０００１００Ｙ４３ ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "required", "请输入统一社会信用代码"),
        ("91350100M000100Y4", "length", "应为18位，当前为17位"),
        ("91350100M000100Y433", "length", "当前为19位"),
        ("91350100M0001O0Y43", "charset", "第14位“O”"),
        ("9135 100M000100Y43", "charset", "第5位“ ”"),
        ("94350100M000100Y43", "authority_category", "“9”（工商）下没有机构类别代码“4”"),
        ("B1350100M000100Y43", "authority_category", "登记管理部门代码“B”不存在"),
        ("913501A0M000100Y43", "division", "行政区划代码"),
        ("91350100M000100Y53", "org_check", "第17位应为“4”，当前为“5”"),
        ("91350100M000100Y44", "check", "第18位应为“3”"),
    ],
)
def test_each_uscc_rule_has_its_own_message(value, code, fragment):
    got_code, message = _code(value)
    assert got_code == code
    assert fragment in message


def test_allowlist_admits_a_pilot_code_but_not_a_wrong_length():
    pilot = "91350100M000100Y44"  # fails the final check
    assert validate_uscc(pilot, allowlist={pilot}) == pilot
    assert _code("91350100M000100Y4")[0] == "length"
    with pytest.raises(ValidationError):
        validate_uscc(pilot[:-1], allowlist={pilot[:-1]})


# --- food-licence number rules -----------------------------------------------------------


def test_food_licence_check_digit_is_iso_7064_mod_11_10():
    assert make_food_licence_number(subject_type=2, division="310104", serial=1) == (
        "JY23101040000019"
    )


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "required", "请输入食品经营许可证编号"),
        ("SP23101040000019", "prefix", "应以“JY”开头"),
        ("JY2310104000001", "length", "当前为15位"),
        ("JY231010400000A9", "digits", "14位数字"),
        ("JY43101040000019", "subject_type", "主体业态代码"),
        ("JY23101040000012", "check", "第16位应为“9”，当前为“2”"),
    ],
)
def test_each_food_licence_rule_has_its_own_message(value, code, fragment):
    got_code, message = _code(value, validate_food_licence_number)
    assert got_code == code
    assert fragment in message


def test_full_width_food_licence_number_is_normalised():
    assert validate_food_licence_number(" ｊｙ２３１０１０４０００００１９ ") == "JY23101040000019"
