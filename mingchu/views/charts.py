"""Charts drawn on the server as SVG markup: the same markup goes into pages and PDFs.

Plain functions: data in, an SVG string out (marked safe; every text is escaped here).
Each chart is an image with a <title> and a <desc> named by aria-labelledby, and each bar
or point has its own <title> giving the figure, so screen readers and tooltips tell it.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mingchu.queries.rollups import FIGURE_LABELS, FIGURES, RegistryRow

#: Colour-blind-safe palette (Okabe–Ito), dark enough on white for 3:1 contrast.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"
AXIS = "#555"
GRID = "#ddd"
#: Up to this many categories, bars carry their figure as a label.
FEW = 4


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{FONT}" font-size="12" style="width:100%;height:auto">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]


def _y_axis(parts, *, left, top, plot_w, plot_h, y_max, suffix, ticks=5):
    for i in range(ticks + 1):
        value = y_max * i / ticks
        y = top + plot_h - plot_h * i / ticks
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{GRID if i else AXIS}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">'
            f"{escape(_number(round(value, 1)))}{escape(suffix)}</text>"
        )


def _legend(parts, labels, *, left, top):
    x = left
    for index, label in enumerate(labels):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{top}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{top + 11}">{escape(label)}</text>')
        x += 28 + 13 * len(label)


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: list[str],
    series: list[tuple[str, list[float]]],
    width: int = 960,
    height: int = 380,
    suffix: str = "",
) -> SafeString:
    """Bars per category, one bar per series side by side (e.g. quota vs progress)."""
    left, right, top, bottom = 52, 12, 40, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = _nice_max(max((v for _, values in series for v in values), default=0))
    parts = _open(chart_id, title, desc, width, height)
    _legend(parts, [label for label, _ in series], left=left, top=10)
    _y_axis(parts, left=left, top=top, plot_w=plot_w, plot_h=plot_h, y_max=y_max, suffix=suffix)
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for c_index, category in enumerate(categories):
        x0 = left + group_w * c_index + group_w * 0.1
        parts.append(f'<g aria-label="{escape(category)}">')
        for s_index, (label, values) in enumerate(series):
            value = values[c_index]
            bar_h = plot_h * value / y_max
            x, y = x0 + bar_w * s_index, top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
                f'fill="{PALETTE[s_index % len(PALETTE)]}"><title>{escape(category)} '
                f"{escape(label)}：{escape(_number(value))}{escape(suffix)}</title></rect>"
            )
            if len(categories) <= FEW:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                    f'aria-hidden="true">{escape(_number(value))}</text>'
                )
        parts.append("</g>")
        parts.append(
            f'<text x="{left + group_w * (c_index + 0.5):.1f}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_labels: list[str],
    series: list[tuple[str, list[float]]],
    y_max: float | None = None,
    target: tuple[str, float] | None = None,
    width: int = 960,
    height: int = 320,
    suffix: str = "",
) -> SafeString:
    """One line per series over ``x_labels`` (e.g. months), with a marker per point, and an
    optional dashed ``target`` line (label, value)."""
    left, right, top, bottom = 52, 32, 40, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    if y_max is None:
        y_max = _nice_max(max((v for _, values in series for v in values), default=0))
    parts = _open(chart_id, title, desc, width, height)
    _legend(parts, [label for label, _ in series], left=left, top=10)
    _y_axis(parts, left=left, top=top, plot_w=plot_w, plot_h=plot_h, y_max=y_max, suffix=suffix)
    if target is not None and 0 < target[1] <= y_max:
        y = top + plot_h - plot_h * target[1] / y_max
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{AXIS}" '
            'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{left + plot_w}" y="{y - 5:.1f}" text-anchor="end" fill="{AXIS}">'
            f"{escape(target[0])} {escape(_number(target[1]))}{escape(suffix)}</text>"
        )
    step = plot_w / max(len(x_labels) - 1, 1)
    for index, label in enumerate(x_labels):
        parts.append(
            f'<text x="{left + step * index:.1f}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for s_index, (label, values) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points = [
            (left + step * i, top + plot_h - plot_h * min(v, y_max) / y_max)
            for i, v in enumerate(values)
        ]
        parts.append(f'<g aria-label="{escape(label)}">')
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for (x, y), x_label, value in zip(points, x_labels, values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>'
                f"{escape(x_label)} {escape(label)}：{escape(_number(value))}{escape(suffix)}"
                "</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def progress_chart(
    rows: list[RegistryRow], *, chart_id: str, title: str, width: int = 960
) -> SafeString:
    """Quota against 选点 / 视频安装 / 对接平台 / 完成建设, per district (roll-up rows)."""
    keys = ("quota_total", *FIGURES)
    desc = "；".join(
        f"{row.district_name}："
        + "，".join(f"{FIGURE_LABELS[key]}{row.figure(key)}家" for key in keys)
        for row in rows
    )
    return grouped_bar_chart(
        chart_id=chart_id,
        title=title,
        desc=desc or "没有数据。",
        categories=[row.district_name for row in rows],
        series=[(FIGURE_LABELS[key], [row.figure(key) for row in rows]) for key in keys],
        width=width,
    )


def trend_chart(
    trend: dict, *, quota_total: int, chart_id: str, title: str, width: int = 960
) -> SafeString:
    """Cumulative 选点 / 视频安装 / 完成建设 at each month end, up to the quota (the target)."""
    labels = [f"{month}月" for month in trend["months"]]
    series = [(FIGURE_LABELS[key], values) for key, values in trend["series"].items()]
    desc = f"目标{quota_total}家。" + "；".join(
        f"{label}：" + "，".join(f"{x}{v}家" for x, v in zip(labels, values, strict=True))
        for label, values in series
    )
    highest = max([quota_total, *(v for _, values in series for v in values)])
    return line_chart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_labels=labels,
        series=series,
        y_max=_nice_max(highest),
        target=("目标", quota_total),
        width=width,
    )
