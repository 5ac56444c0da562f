"""The city summary PDF (WeasyPrint, Noto CJK fonts from Debian's fonts-noto-cjk).

The same server-side SVG charts as the pages, inline in the HTML that WeasyPrint renders.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from mingchu.models import CityRollup
from mingchu.queries.rollups import progress_trend
from mingchu.views import charts
from mingchu.views.rollup_display import summary_context


def render_rollup_pdf(rollup: CityRollup) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a moment

    trend = progress_trend(year=rollup.year, today=timezone.localdate())
    summary = summary_context(rollup)
    context = summary | {
        "rollup": rollup,
        "trend_chart": charts.trend_chart(
            trend,
            quota_total=summary["totals"].quota_total,
            chart_id="rollup-trend",
            title=f"{rollup.year}年全市示范店建设进度（各月末累计）",
        ),
        "printed_at": timezone.localtime(),
    }
    html = render_to_string("mingchu/cityrollup_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
