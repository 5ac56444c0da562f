"""USCC (GB 32100-2015) and food-licence number validation: properties and each rule.

Pure functions: no database access anywhere in this module.
"""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from portal.identifiers import (
    FOOD_SUBJECT_TYPES,
    USCC_ALPHABET,
    USCC_REGISTRATION_AUTHORITIES,
    USCC_WEIGHTS,
    food_licence_check_digit,
    make_food_licence_number,
    make_uscc,
    normalise_identifier,
    organisation_code_check_character,
    same_text,
    uscc_check_character,
    validate_food_licence_number,
    validate_uscc,
)

DIGITS = "0123456789"
UPPER_AND_DIGITS = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PAIRS = [(a, c) for a, (_, cats) in USCC_REGISTRATION_AUTHORITIES.items() for c in cats]
# Published codes that pass both check characters (verified by hand against the algorithm).
PUBLISHED_USCCS = ["91350100M000100Y43", "91440300708461136T", "9131000013221158XC"]

usccs = st.builds(
    lambda pair, division, body: make_uscc(
        authority=pair[0], category=pair[1], division=division, org_body=body
    ),
    st.sampled_from(PAIRS),
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=8, max_size=8),
)
food_numbers = st.builds(
    lambda subject, division, serial: make_food_licence_number(
        subject_type=subject, division=division, serial=serial
    ),
    st.sampled_from(sorted(FOOD_SUBJECT_TYPES)),
    st.text(DIGITS, min_size=6, max_size=6),
    st.integers(0, 999_999),
)


def _error(value, validator=validate_uscc, **kwargs):
    with pytest.raises(ValidationError) as caught:
        validator(value, **kwargs)
    return caught.value.code, caught.value.messages[0]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


# --- USCC properties ------------------------------------------------------------------


@given(usccs)
def test_generated_usccs_validate_and_round_trip(uscc):
    assert validate_uscc(uscc) == uscc
    assert validate_uscc(f"  {uscc.lower()}\t") == uscc
    assert validate_uscc(f"\u3000{_full_width(uscc)}\u3000") == uscc
    assert validate_uscc(validate_uscc(uscc)) == uscc


def test_weights_make_every_single_substitution_and_adjacent_swap_detectable():
    # The check holds iff Σ value_i·w_i ≡ 0 (mod 31) with the check character weighted 1.
    # A substitution changes the sum by d·w (0 < |d| < 31), a swap of neighbours by
    # d·(w_i − w_{i+1}); since 31 is prime, neither is 0 mod 31 when the factors are not.
    weights = [*USCC_WEIGHTS, 1]
    assert USCC_WEIGHTS[:5] == (1, 3, 9, 27, 19)
    assert all(w % 31 for w in weights)
    assert all((a - b) % 31 for a, b in zip(weights, weights[1:], strict=False))


@given(usccs)
def test_every_single_character_substitution_of_a_uscc_fails(uscc):
    for position in range(18):
        for replacement in UPPER_AND_DIGITS:
            if replacement == uscc[position]:
                continue
            changed = uscc[:position] + replacement + uscc[position + 1 :]
            with pytest.raises(ValidationError):
                validate_uscc(changed)


@given(usccs)
def test_every_swap_of_two_adjacent_different_characters_of_a_uscc_fails(uscc):
    for position in range(17):
        a, b = uscc[position], uscc[position + 1]
        if a != b:
            with pytest.raises(ValidationError):
                validate_uscc(uscc[:position] + b + a + uscc[position + 2 :])


# --- USCC rules, one case each --------------------------------------------------------


@pytest.mark.parametrize("uscc", PUBLISHED_USCCS)
def test_published_usccs_validate(uscc):
    assert validate_uscc(uscc) == uscc


def test_check_characters_of_a_published_code():
    assert organisation_code_check_character("M000100Y") == "4"
    assert organisation_code_check_character("13221158") == "X"  # 10 → X
    assert organisation_code_check_character("00000000") == "0"  # 11 → 0
    assert uscc_check_character("91350100M000100Y4") == "3"


def test_old_division_codes_still_validate():
    chongming_county = make_uscc(division="310230", org_body="MA1G0001")
    assert validate_uscc(chongming_county) == chongming_county


def test_full_width_spaces_and_lower_case_are_normalised():
    assert validate_uscc("\u3000９１３５０１００Ｍ０００１００Ｙ４３ ") == "91350100M000100Y43"
    assert validate_uscc(" 91350100m000100y43\n") == "91350100M000100Y43"
    assert normalise_identifier(None) == ""


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "required", "请输入统一社会信用代码"),
        (None, "required", "请输入统一社会信用代码"),
        ("\u3000 ", "required", "请输入统一社会信用代码"),
        ("91350100M000100Y4", "length", "统一社会信用代码应为18位，当前为17位"),
        ("91350100M000100Y433", "length", "当前为19位"),
        ("9135I100M000100Y43", "charset", "第5位“I”不是统一社会信用代码允许的字符"),
        ("91350100M0001O0Y43", "charset", "第14位“O”"),
        ("91350100M000100Z43", "charset", "不使用I、O、S、V、Z"),
        ("9135 100M000100Y43", "charset", "第5位空格"),
        ("9135①100M000100Y43", "charset", "第5位“①”"),
        ("94350100M000100Y43", "authority_category", "登记管理部门代码“9”下没有机构类别代码“4”"),
        ("Y9350100M000100Y43", "authority_category", "登记管理部门代码“Y”下没有机构类别代码“9”"),
        ("B1350100M000100Y43", "authority_category", "登记管理部门代码“B”不存在"),
        ("913501A0M000100Y43", "division", "行政区划代码（6位数字），当前为“3501A0”"),
        ("91350100M000100Y53", "org_check", "组织机构代码校验位错误：第17位应为“4”，当前为“5”"),
        ("91310000132211580C", "org_check", "组织机构代码校验位错误：第17位应为“X”"),
        ("91350100M000100Y44", "check", "校验码错误：第18位应为“3”，当前为“4”"),
    ],
)
def test_each_uscc_rule_has_its_own_code_and_message(value, code, fragment):
    got_code, message = _error(value)
    assert got_code == code
    assert fragment in message


def test_allowlist_admits_a_failing_pilot_code_but_still_needs_length_and_charset():
    pilot = "91350100M000100Y44"  # fails the final check
    odd_pair = "B1350100M000100Y43"  # unknown registration authority
    assert validate_uscc(pilot, allowlist={pilot}) == pilot
    assert validate_uscc(f" {pilot.lower()} ", allowlist=[pilot]) == pilot
    assert validate_uscc(odd_pair, allowlist={odd_pair}) == odd_pair
    assert _error(pilot, allowlist={"91350100M000100Y45"})[0] == "check"
    short, bad_char = pilot[:-1], pilot[:-1] + "O"
    assert _error(short, allowlist={short})[0] == "length"
    assert _error(bad_char, allowlist={bad_char})[0] == "charset"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"category": "4", "org_body": "MA1G0001"},
        {"authority": "B", "org_body": "MA1G0001"},
        {"division": "31010", "org_body": "MA1G0001"},
        {"org_body": "MA1G000I"},
        {"org_body": "MA1G001"},
    ],
)
def test_make_uscc_rejects_malformed_parts(kwargs):
    with pytest.raises(ValueError):
        make_uscc(**kwargs)


# --- food-licence numbers ---------------------------------------------------------------


def _iso_7064_mod_11_10_holds(digits: str) -> bool:
    """Reference check: running the recursion over all digits ends on 1."""
    product = 10
    for digit in digits:
        total = (product + int(digit)) % 10 or 10
        product = total * 2 % 11
    return total == 1


@given(food_numbers)
def test_generated_food_licence_numbers_validate_and_round_trip(number):
    assert validate_food_licence_number(number) == number
    assert validate_food_licence_number(f" {number.lower()} ") == number
    assert validate_food_licence_number(_full_width(number.lower())) == number
    assert _iso_7064_mod_11_10_holds(number[2:])


@given(food_numbers)
def test_every_single_digit_substitution_of_a_food_licence_number_fails(number):
    for position in range(2, 16):
        for digit in DIGITS:
            if digit != number[position]:
                with pytest.raises(ValidationError):
                    validate_food_licence_number(number[:position] + digit + number[position + 1 :])


@pytest.mark.parametrize(("digits", "check"), [("79462", "3"), ("00200667308", "5")])
def test_check_digit_matches_published_iso_7064_mod_11_10_vectors(digits, check):
    assert food_licence_check_digit(digits) == check


def test_make_food_licence_number_layout():
    number = make_food_licence_number(subject_type=2, division="310104", serial=1)
    assert number == "JY23101040000019"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "required", "请输入食品经营许可证编号"),
        (None, "required", "请输入食品经营许可证编号"),
        ("SP23101040000019", "prefix", "食品经营许可证编号应以“JY”开头"),
        ("23101040000019", "prefix", "应以“JY”开头"),
        ("JY2310104000001", "length", "应为16位（JY加14位数字），当前为15位"),
        ("JY231010400000019", "length", "当前为17位"),
        ("JY231010400000A9", "digits", "第15位“A”不是数字"),
        ("JY2310104 000019", "digits", "第10位空格不是数字"),
        ("JY43101040000019", "subject_type", "主体业态代码应为1、2或3"),
        ("JY03101040000019", "subject_type", "当前为“0”"),
        ("JY23101040000012", "check", "校验位错误：第16位应为“9”，当前为“2”"),
    ],
)
def test_each_food_licence_rule_has_its_own_code_and_message(value, code, fragment):
    got_code, message = _error(value, validate_food_licence_number)
    assert got_code == code
    assert fragment in message


def test_full_width_food_licence_number_is_normalised():
    assert validate_food_licence_number(" ｊｙ２３１０１０４０００００１９ ") == "JY23101040000019"
    assert validate_food_licence_number("jy23101040000019") == "JY23101040000019"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subject_type": 4, "division": "310104", "serial": 1},
        {"subject_type": 2, "division": "31010", "serial": 1},
        {"subject_type": 2, "division": "310104", "serial": 1_000_000},
    ],
)
def test_make_food_licence_number_rejects_malformed_parts(kwargs):
    with pytest.raises(ValueError):
        make_food_licence_number(**kwargs)


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("上海好味道餐饮(徐汇)有限公司", "上海好味道餐饮（徐汇）有限公司"),
        (" 上海好味道 餐饮有限公司\u3000", "上海好味道餐饮有限公司"),
        ("上海ＡＢＣ餐饮有限公司", "上海ABC餐饮有限公司"),
    ],
)
def test_same_text_ignores_width_case_spaces_and_bracket_style(typed, registered):
    assert same_text(typed, registered) and same_text(registered, typed)


def test_same_text_still_tells_different_names_apart():
    assert not same_text("上海好味道餐饮有限公司", "上海坏味道餐饮有限公司")
    assert not same_text("", "上海好味道餐饮有限公司")
