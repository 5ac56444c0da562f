"""The form of 更正建设进度: the earlier stage and the reason."""

from django import forms

from mingchu.models import STAGE_ORDER, Stage


class StageCorrectionForm(forms.Form):
    stage = forms.ChoiceField(
        label="更正为",
        choices=(),
        error_messages={
            "required": "请选择要更正到的建设进度。",
            "invalid_choice": "请选择当前进度之前的阶段。",
        },
    )
    reason = forms.CharField(
        label="更正原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写更正原因。"},
    )

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        earlier = STAGE_ORDER[: STAGE_ORDER.index(store.stage)]
        self.fields["stage"].choices = [(value, Stage(value).label) for value in earlier]
