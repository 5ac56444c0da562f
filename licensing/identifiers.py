"""Provisional identifiers module (replaced by the full validator)."""

import unicodedata

from django.core.exceptions import ValidationError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def normalise_identifier(value) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def organisation_code_check_character(first8):
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(first8, ORG_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_check_character(first17):
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value, *, allowlist=None):
    value = normalise_identifier(value)
    if not value:
        raise ValidationError("请输入统一社会信用代码", code="required")
    if len(value) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，当前为{len(value)}位", code="length")
    for i, c in enumerate(value):
        if c not in USCC_ALPHABET:
            raise ValidationError(
                f"第{i + 1}位“{c}”不是统一社会信用代码允许的字符（不使用I、O、S、V、Z）",
                code="charset",
            )
    if allowlist and value in allowlist:
        return value
    if value[-1] != uscc_check_character(value[:17]):
        raise ValidationError("校验码错误", code="check")
    return value


def food_licence_check_digit(first13):
    p = 10
    for d in first13:
        s = (p + int(d)) % 10 or 10
        p = (s * 2) % 11
    return str((11 - p) % 10)


def validate_food_licence_number(value):
    value = normalise_identifier(value)
    if not value.startswith("JY"):
        raise ValidationError("食品经营许可证编号应以“JY”开头", code="prefix")
    digits = value[2:]
    if len(digits) != 14 or not digits.isdigit():
        raise ValidationError("食品经营许可证编号格式错误", code="digits")
    if digits[-1] != food_licence_check_digit(digits[:13]):
        raise ValidationError("校验位错误", code="check")
    return value


def make_uscc(*, authority="9", category="1", division="310101", org_body):
    org = org_body + organisation_code_check_character(org_body)
    first17 = authority + category + division + org
    return first17 + uscc_check_character(first17)


def make_food_licence_number(*, subject_type, division, serial):
    first13 = f"{subject_type}{division}{serial:06d}"
    return f"JY{first13}{food_licence_check_digit(first13)}"
