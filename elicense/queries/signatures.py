"""A signed document's data as people read it: (label, value) rows in Chinese."""

from django.template.defaultfilters import filesizeformat

SUBJECT_LABELS = {"file": "文件", "certificate": "证照", "text": "文字"}


def signed_rows(data) -> list[tuple[str, str]]:
    """Rows for the data the signing form builds; other data (the API's, an application's)
    gives no rows and is shown only in 技术信息."""
    if not isinstance(data, dict) or data.get("subject") not in SUBJECT_LABELS:
        return []
    rows = [("签署对象", SUBJECT_LABELS[data["subject"]])]
    if data["subject"] == "file":
        file = data.get("file", {})
        rows += [
            ("文件名", str(file.get("name", ""))),
            ("文件大小", filesizeformat(file.get("size", 0))),
            ("内容摘要（SHA-256）", str(file.get("sha256", ""))),
        ]
    elif data["subject"] == "certificate":
        cert = data.get("certificate", {})
        rows += [
            ("证照", f"{cert.get('kind', '')} {cert.get('number', '')}"),
            ("持证主体", f"{cert.get('holder_name', '')}（{cert.get('holder_uscc', '')}）"),
            ("有效期", f"{cert.get('valid_from', '')} 至 {cert.get('valid_to', '')}"),
        ]
    else:
        rows.append(("文字内容", str(data.get("text", ""))))
    if data.get("note"):
        rows.append(("签署说明", str(data["note"])))
    return rows
