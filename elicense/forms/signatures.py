"""Forms of the electronic-signature pages: sign a document, verify a signature."""

import hashlib
import json

from django import forms

from elicense.models import Certificate, KeyAlgorithm, Matter
from elicense.services.signatures import MAX_DOCUMENT_BYTES
from portal.identifiers import normalise_identifier


def _parse_json(text: str):
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError("数据过大（上限64KB）。")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            f"不是有效的JSON：第{error.lineno}行第{error.colno}列有误。"
        ) from error


#: What an enterprise signs: a file it uploads, one of its own certificates, or a statement.
SIGNED_SUBJECTS = [
    ("file", "上传的文件（如合同、申请书）"),
    ("certificate", "本企业的证照"),
    ("text", "一段文字（如承诺书）"),
]
#: How an enterprise may sign (ADR 0023): the general signature or the national SM2 one.
SIGNING_ALGORITHMS = [
    (KeyAlgorithm.ED25519.value, "通用签名（默认）"),
    (KeyAlgorithm.SM2.value, "国密签名（SM2）"),
]
#: A file to be signed is read once to take its SHA-256 digest; only the digest is signed.
MAX_SIGNED_FILE_BYTES = 20 * 1024 * 1024


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


class SignForm(forms.Form):
    """签名: what is signed is described by the form, never typed as JSON. The signed data is
    built here (``cleaned_data["data"]``): the file's name, size and SHA-256 digest, the
    certificate's kind, number, holder and period, or the statement's text, with a note."""

    title = forms.CharField(
        label="文件名称", max_length=100, error_messages={"required": "请填写文件名称。"}
    )
    matter = forms.ModelChoiceField(
        label="事项", queryset=Matter.objects.all(), to_field_name="path", required=False,
        help_text="经办人须选择其授权范围内的事项。",
        error_messages={"invalid_choice": "请选择列表中的事项。"},
    )  # fmt: skip
    subject = forms.ChoiceField(
        label="签署对象",
        choices=SIGNED_SUBJECTS,
        initial="file",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择签署对象。", "invalid_choice": "请选择签署对象。"},
    )
    file = forms.FileField(
        label="文件",
        required=False,
        help_text="签署对象为文件时上传；签名覆盖文件的内容摘要，文件本身不保存。",
        error_messages={"empty": "上传的文件是空的。", "invalid": "请上传文件。"},
    )
    certificate = forms.ChoiceField(
        label="证照",
        required=False,
        help_text="签署对象为证照时选择。",
        error_messages={"invalid_choice": "请选择本企业现有的证照。"},
    )
    text = forms.CharField(
        label="文字内容",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="签署对象为文字时填写。",
    )
    note = forms.CharField(label="签署说明", required=False, max_length=200)
    algorithm = forms.ChoiceField(
        label="签名方式",
        choices=SIGNING_ALGORITHMS,
        initial=KeyAlgorithm.ED25519,
        required=False,
        widget=forms.RadioSelect,
        help_text="对方系统要求国密算法时选择国密签名；两种签名都可在本站验证。",
        error_messages={"invalid_choice": "请选择通用签名或国密签名。"},
    )

    def __init__(self, *args, holder_uscc: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.certificates = {
            c.public_id: c
            for c in Certificate.objects.of_holder(holder_uscc).heads().order_by("kind", "number")
        }
        self.fields["certificate"].choices = [("", "请选择")] + [
            (pid, f"{c.get_kind_display()} {c.number}（{c.get_status_display()}）")
            for pid, c in self.certificates.items()
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["algorithm"] = cleaned.get("algorithm") or KeyAlgorithm.ED25519
        subject = cleaned.get("subject")
        note = cleaned.get("note", "")
        if subject == "file":
            upload = cleaned.get("file")
            if not upload:
                self.add_error("file", "请上传要签署的文件。")
            elif upload.size > MAX_SIGNED_FILE_BYTES:
                self.add_error("file", "文件过大（上限20MB）。")
            else:
                cleaned["data"] = {
                    "subject": "file",
                    "file": {
                        "name": upload.name,
                        "size": upload.size,
                        "sha256": _file_digest(upload),
                    },
                    "note": note,
                }
        elif subject == "certificate":
            certificate = self.certificates.get(cleaned.get("certificate") or "")
            if certificate is None:
                self.add_error("certificate", "请选择要签署的证照。")
            else:
                cleaned["data"] = {
                    "subject": "certificate",
                    "certificate": {
                        "kind": certificate.get_kind_display(),
                        "number": certificate.number,
                        "holder_uscc": certificate.holder_uscc,
                        "holder_name": certificate.holder_name,
                        "valid_from": certificate.valid_from.isoformat(),
                        "valid_to": certificate.valid_to.isoformat()
                        if certificate.valid_to
                        else "长期",
                    },
                    "note": note,
                }
        elif subject == "text":
            text = (cleaned.get("text") or "").strip()
            if not text:
                self.add_error("text", "请填写要签署的文字内容。")
            else:
                cleaned["data"] = {"subject": "text", "text": text, "note": note}
        return cleaned


class VerifyForm(forms.Form):
    uscc = forms.CharField(label="签名主体统一社会信用代码", max_length=40)
    data = forms.CharField(label="签名数据（JSON）", widget=forms.Textarea(attrs={"rows": 6}))
    signature = forms.CharField(label="签名（JWS）", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_uscc(self):
        return normalise_identifier(self.cleaned_data["uscc"])

    def clean_data(self):
        return _parse_json(self.cleaned_data["data"])
