"""Forms of the quota pages: one district's adjustment, a new year's quotas."""

from django import forms

from mingchu.models.quotas import YEARS


class AdjustForm(forms.Form):
    food_court = forms.IntegerField(label="美食广场示范店数量", min_value=0)
    other_areas = forms.IntegerField(label="其他区域示范店数量", min_value=0)
    reason = forms.CharField(label="调整原因", max_length=200)


class YearQuotaForm(forms.Form):
    """A new year's quotas: one pair of figures per district, pre-filled from the latest year."""

    year = forms.IntegerField(label="年度", min_value=YEARS.start, max_value=YEARS.stop - 1)
    reason = forms.CharField(
        label="依据或说明", max_length=200, help_text="例如：市政府2023年为民办实事项目方案。"
    )

    def __init__(self, *args, districts, latest: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = districts
        for district in districts:
            food_court, other_areas = latest.get(district.code, (0, 0))
            for field, label, value in (
                ("food_court", "美食广场", food_court),
                ("other_areas", "其他区域", other_areas),
            ):
                self.fields[f"{field}_{district.code}"] = forms.IntegerField(
                    label=f"{district.short_name} {label}", min_value=0, initial=value
                )

    def rows(self):
        """(district, food-court field, other-areas field) for the template's table."""
        return [
            (d, self[f"food_court_{d.code}"], self[f"other_areas_{d.code}"]) for d in self.districts
        ]

    def quotas(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {
            d.code: (data[f"food_court_{d.code}"], data[f"other_areas_{d.code}"])
            for d in self.districts
        }


class DeadlineForm(forms.Form):
    """对接上线期限 of a project year (default 9月30日)."""

    year = forms.IntegerField(
        widget=forms.HiddenInput, min_value=YEARS.start, max_value=YEARS.stop - 1
    )
    due_on = forms.DateField(
        label="视频监控安装和平台对接上线期限",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写期限。", "invalid": "请按“年-月-日”填写日期。"},
    )
