"""The one search-and-filter form of every work queue (window, reviews, reports, bulk checks)."""

from django import forms


class QueueFilterForm(forms.Form):
    """``q`` searches the queue's own fields; ``status`` narrows it to one state. Invalid input
    never empties a queue silently: the form says what is wrong and the queue stays whole."""

    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=60,
        error_messages={"max_length": "搜索内容不能超过60个字。"},
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=(),
        error_messages={"invalid_choice": "请选择列表中的状态。"},
    )

    def __init__(self, data=None, *, statuses=(), placeholder: str = "", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs.update({"placeholder": placeholder, "type": "search"})
        self.fields["q"].help_text = placeholder
        if statuses:
            self.fields["status"].choices = [("", "全部")] + list(statuses)
        else:
            del self.fields["status"]

    @property
    def active(self) -> bool:
        """Whether a valid search or filter narrows the queue."""
        return self.is_valid() and any(self.cleaned_data.values())
