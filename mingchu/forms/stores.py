"""Forms of the demo-store pages: selection, stage dates, cameras, platforms, video."""

from django import forms

from mingchu.models import ControlPoint, DeliveryPlatform, LocationType


class StoreForm(forms.Form):
    food_licence_number = forms.CharField(label="食品经营许可证编号", max_length=40)
    location_type = forms.ChoiceField(label="区域类型", choices=LocationType.choices)
    expected_completion = forms.DateField(
        label="预计完成时间（月）",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": "请按“年-月”填写，例如 2022-10。"},
    )
    on_delivery_platform = forms.TypedChoiceField(
        label="是否从事网络餐饮服务（入网经营）",
        choices=[("yes", "是，已入驻网络餐饮平台"), ("no", "否")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否从事网络餐饮服务。"},
    )
    delivery_platforms = forms.MultipleChoiceField(
        label="入驻的网络餐饮平台",
        choices=DeliveryPlatform.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="以从事网络餐饮服务的入网餐饮服务经营者为重点。",
    )


class StageDateForm(forms.Form):
    on = forms.DateField(
        label="日期", required=False, error_messages={"invalid": "请按“年-月-日”填写日期。"}
    )


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CameraForm(forms.Form):
    position = forms.CharField(label="安装位置", max_length=50, required=False)
    control_points = forms.MultipleChoiceField(
        label="覆盖的关键控制点",
        choices=ControlPoint.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    installed_on = forms.DateField(
        label="安装日期", widget=_date_widget(), error_messages={"required": "请填写安装日期。"}
    )


class PlatformForm(forms.Form):
    platform = forms.CharField(
        label="第三方平台", max_length=50, required=False, help_text="例如：美团外卖、饿了么"
    )
    shop_id = forms.CharField(label="平台店铺编号", max_length=64, required=False)
    connected_on = forms.DateField(
        label="对接日期", widget=_date_widget(), error_messages={"required": "请填写对接日期。"}
    )


class VideoForm(forms.Form):
    url = forms.CharField(
        label="视频流地址",
        max_length=300,
        required=False,
        help_text=(
            "http(s) 的 .m3u8、.mp4、.webm 地址可在公示页直接播放；rtsp/rtmp 以链接提供。"
            "留空为清除。"
        ),
    )
