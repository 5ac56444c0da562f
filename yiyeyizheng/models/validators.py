"""Checks on the facts an applicant states: an area that can exist, a phone number that rings.

A leaf module (nothing of the app's below it), so the questionnaire form, the application
services and the model's pre-submission check all refuse the same values with the same words.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from portal.identifiers import normalise_identifier

#: 11-digit mobile; landline with area code (021-64381234, 02164381234, with an extension
#: after a hyphen); an 8-digit Shanghai local number; 400/800 service numbers.
PHONE_PATTERNS = (
    re.compile(r"1[3-9]\d{9}"),
    re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"),
    re.compile(r"\d{8}"),
    re.compile(r"[48]00-?\d{3}-?\d{4}"),
)
PHONE_MESSAGE = (
    "联系电话格式不正确：请填写 11 位手机号码或带区号的固定电话，如 13800000000、021-64381234。"
)


def validate_area(value) -> Decimal:
    """The area as a Decimal greater than zero, or a Chinese ValidationError."""
    try:
        area = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError("请输入数字（平方米）。", code="invalid") from None
    if not area.is_finite():
        raise ValidationError("请输入数字（平方米）。", code="invalid")
    if area < 0:
        raise ValidationError("经营面积不能为负数。", code="min_value")
    if area == 0:
        raise ValidationError("经营面积须大于 0 平方米。", code="zero")
    return area


def normalise_phone(value) -> str:
    """The phone number folded to half-width with spaces removed, if it is one; else a Chinese
    ValidationError. Full-width digits (what a Chinese input method types) are accepted."""
    phone = re.sub(r"\s+", "", normalise_identifier(value)).replace("—", "-")
    if not any(pattern.fullmatch(phone) for pattern in PHONE_PATTERNS):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return phone
