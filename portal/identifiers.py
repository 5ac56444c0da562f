"""Identifiers of the register: USCC (GB 32100-2015) and food operation licence numbers.

``validate_uscc`` and ``validate_food_licence_number`` normalise what was typed (trim,
full-width to half-width, upper case) and either return the normalised value or raise
``ValidationError`` with a Chinese message that says exactly what is wrong, and a stable
``code``. Pure functions: no database, usable in forms, the API and file imports alike.
``same_text`` is the one rule for "the name (or address) typed is the registered one".
"""

import unicodedata
from collections.abc import Collection

from django.core.exceptions import ValidationError

#: The 31 characters of a USCC (no I, O, S, V, Z); a character's value is its index.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1–17: 3^i mod 31 (3 is a primitive root, so all are distinct).
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
#: GB 11714 weights of the 8 organisation-code body characters.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
DIGITS = "0123456789"

#: GB 32100-2015 Appendix A: registration authority → (name, {category: name}).
USCC_REGISTRATION_AUTHORITIES = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位",
                      "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
                      "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构",
                  "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织",
                  "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}  # fmt: skip

#: 主体业态: the first digit after ``JY``.
FOOD_SUBJECT_TYPES = {1: "食品销售经营者", 2: "餐饮服务经营者", 3: "集中用餐单位食堂"}
FOOD_LICENCE_LENGTH = 16

# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space fold to half-width; ASCII
# lower-case letters (including folded full-width ones) become upper-case. Nothing else
# is touched, so any other stray character is reported rather than silently rewritten.
_LOWER = range(ord("a"), ord("z") + 1)
_FOLD = (
    {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    | {0x3000: ord(" ")}
    | {code: code - 32 for code in _LOWER}
    | {code + 0xFEE0: code - 32 for code in _LOWER}
)


def normalise_identifier(value: str | None) -> str:
    """Trim, fold full-width characters to half-width and upper-case ASCII letters.

    Inner whitespace is kept, so that validation reports it instead of guessing.
    """
    return str(value or "").translate(_FOLD).strip()


def _shown(char: str) -> str:
    return "空格" if char.isspace() else f"“{char}”"


def organisation_code_check_character(first8: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body.

    Digits count as themselves and letters as A=10 … Z=35; C9 = 11 − (Σ mod 11),
    written "X" for 10 and "0" for 11.
    """
    values = (int(c) if c in DIGITS else ord(c) - 55 for c in first8)
    check = 11 - sum(v * w for v, w in zip(values, ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_character(first17: str) -> str:
    """The 18th character of a USCC: (31 − Σ value·3^i mod 31) mod 31, in the alphabet."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str | None, *, allowlist: Collection[str] | None = None) -> str:
    """Return the normalised USCC or raise ``ValidationError`` saying what is wrong.

    ``allowlist`` holds normalised early pilot codes that are admitted although they fail
    the structural and check-character rules; length and character set still apply.
    """
    uscc = normalise_identifier(value)
    if not uscc:
        raise ValidationError("请输入统一社会信用代码。", code="required")
    if len(uscc) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，当前为{len(uscc)}位。", code="length")
    for position, char in enumerate(uscc, start=1):
        if char not in USCC_ALPHABET:
            raise ValidationError(
                f"第{position}位{_shown(char)}不是统一社会信用代码允许的字符"
                "（只用数字和大写字母，不使用I、O、S、V、Z）。",
                code="charset",
            )
    if allowlist and uscc in allowlist:
        return uscc
    authority, category = uscc[0], uscc[1]
    if authority not in USCC_REGISTRATION_AUTHORITIES:
        known = "、".join(USCC_REGISTRATION_AUTHORITIES)
        raise ValidationError(
            f"第1位登记管理部门代码“{authority}”不存在（应为{known}之一）。",
            code="authority_category",
        )
    authority_name, categories = USCC_REGISTRATION_AUTHORITIES[authority]
    if category not in categories:
        known = "、".join(f"{code}{name}" for code, name in categories.items())
        raise ValidationError(
            f"登记管理部门代码“{authority}”下没有机构类别代码“{category}”"
            f"（{authority_name}：{known}）。",
            code="authority_category",
        )
    division = uscc[2:8]
    if not all(c in DIGITS for c in division):
        raise ValidationError(
            f"第3至8位应为登记管理机关行政区划代码（6位数字），当前为“{division}”。",
            code="division",
        )
    org_check = organisation_code_check_character(uscc[8:16])
    if uscc[16] != org_check:
        raise ValidationError(
            f"组织机构代码校验位错误：第17位应为“{org_check}”，当前为“{uscc[16]}”。",
            code="org_check",
        )
    check = uscc_check_character(uscc[:17])
    if uscc[17] != check:
        raise ValidationError(
            f"校验码错误：第18位应为“{check}”，当前为“{uscc[17]}”。请核对是否输错。",
            code="check",
        )
    return uscc


def make_uscc(*, authority="9", category="1", division="310101", org_body: str) -> str:
    """Build a valid USCC from its parts (demo data, factories, tests).

    Computes the organisation-code check character (position 17) and the final check
    character; raises ``ValueError`` if a part is malformed.
    """
    if category not in USCC_REGISTRATION_AUTHORITIES.get(authority, ("", {}))[1]:
        raise ValueError(f"no USCC category {category!r} under authority {authority!r}")
    if len(division) != 6 or not all(c in DIGITS for c in division):
        raise ValueError(f"division must be 6 digits, got {division!r}")
    if len(org_body) != 8 or not all(c in USCC_ALPHABET for c in org_body):
        raise ValueError(f"org_body must be 8 characters of {USCC_ALPHABET}, got {org_body!r}")
    first17 = authority + category + division + org_body
    first17 += organisation_code_check_character(org_body)
    return first17 + uscc_check_character(first17)


def food_licence_check_digit(first13_digits: str) -> str:
    """ISO 7064 MOD 11,10 check digit over the 13 digits after ``JY``."""
    product = 10
    for digit in first13_digits:
        total = (product + int(digit)) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def validate_food_licence_number(value: str | None) -> str:
    """Return the normalised food operation licence number or raise ``ValidationError``."""
    number = normalise_identifier(value)
    if not number:
        raise ValidationError("请输入食品经营许可证编号。", code="required")
    if not number.startswith("JY"):
        raise ValidationError("食品经营许可证编号应以“JY”开头。", code="prefix")
    if len(number) != FOOD_LICENCE_LENGTH:
        raise ValidationError(
            f"食品经营许可证编号应为16位（JY加14位数字），当前为{len(number)}位。", code="length"
        )
    for position, char in enumerate(number[2:], start=3):
        if char not in DIGITS:
            raise ValidationError(
                f"食品经营许可证编号“JY”之后应为14位数字，第{position}位{_shown(char)}不是数字。",
                code="digits",
            )
    if int(number[2]) not in FOOD_SUBJECT_TYPES:
        raise ValidationError(
            "主体业态代码应为1、2或3（1食品销售经营者、2餐饮服务经营者、3集中用餐单位食堂），"
            f"第3位当前为“{number[2]}”。",
            code="subject_type",
        )
    check = food_licence_check_digit(number[2:15])
    if number[15] != check:
        raise ValidationError(
            f"校验位错误：第16位应为“{check}”，当前为“{number[15]}”。请核对是否输错。",
            code="check",
        )
    return number


def make_food_licence_number(*, subject_type: int, division: str, serial: int) -> str:
    """``JY`` + subject type + 6-digit division + 6-digit serial + check digit."""
    if subject_type not in FOOD_SUBJECT_TYPES:
        raise ValueError(f"subject_type must be one of {sorted(FOOD_SUBJECT_TYPES)}")
    if len(division) != 6 or not all(c in DIGITS for c in division):
        raise ValueError(f"division must be 6 digits, got {division!r}")
    if not 0 <= serial <= 999_999:
        raise ValueError(f"serial must be 0..999999, got {serial}")
    first13 = f"{subject_type}{division}{serial:06d}"
    return f"JY{first13}{food_licence_check_digit(first13)}"


#: 行业综合许可证 numbers: 沪综许 + 6-digit district code + year + 5-digit serial.
COMPOSITE_LICENCE_PREFIX = "沪综许"
COMPOSITE_LICENCE_LENGTH = len(COMPOSITE_LICENCE_PREFIX) + 6 + 4 + 5


def validate_composite_licence_number(value: str | None) -> str:
    """Return the normalised composite licence number or raise ``ValidationError``."""
    number = normalise_identifier(value)
    if not number.startswith(COMPOSITE_LICENCE_PREFIX):
        raise ValidationError("行业综合许可证编号应以“沪综许”开头。", code="prefix")
    digits = number[len(COMPOSITE_LICENCE_PREFIX) :]
    if len(number) != COMPOSITE_LICENCE_LENGTH or not all(c in DIGITS for c in digits):
        raise ValidationError(
            "行业综合许可证编号应为“沪综许”加15位数字（区划代码、年份、流水号）。", code="length"
        )
    return number


def validate_food_permit_number(value: str | None) -> str:
    """A food operation licence number, or the number of the composite licence that carries
    the food permit (一业一证: the composite licence proves it equally)."""
    number = normalise_identifier(value)
    if number.startswith(COMPOSITE_LICENCE_PREFIX):
        return validate_composite_licence_number(number)
    return validate_food_licence_number(number)


def same_text(a: str | None, b: str | None) -> bool:
    """The one rule for "names (or addresses) are equal", as a reader sees them.

    Full-width and half-width forms (NFKC, which also makes （） and () alike), letter case
    and whitespace differ in what people type but not in the name: 上海某(徐汇)餐饮 is
    上海某（徐汇）餐饮.
    """

    def norm(text):
        return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())

    return norm(a) == norm(b)
