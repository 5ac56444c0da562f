"""Confirm before the irreversible: one pattern for every action that cannot be undone.

An action view that changes something for good (a stage advance, a publish, a revocation, a
cancellation, a signature) answers its first POST with a confirmation page instead of acting:
what will happen, to what, and whether (and how) it can be undone. The page posts the same
fields back, plus ``confirmed=1``; only then does the view call its service. Without
JavaScript, without a modal: the server decides, so a stray click or a replayed form never
acts unconfirmed.

    if form.is_valid():
        if not confirmed(request):
            return confirm_page(request, Confirmation(...))
        services.do_it(...)
"""

from dataclasses import dataclass

from django.shortcuts import render

#: The POST field the confirmation page adds; an action runs only when it is "1".
CONFIRMED = "confirmed"

#: Fields never echoed back as hidden inputs (the page adds its own).
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED}


@dataclass(frozen=True)
class Confirmation:
    """What the person is about to do, in plain Chinese."""

    title: str  #: the heading, e.g. "进入下一阶段"
    action: str  #: what will happen
    subject: str  #: to what (the record, by its name and number)
    undo: str  #: whether it can be undone, and how
    button: str  #: the confirming button's words
    back_url: str  #: where 返回 goes, changing nothing
    details: tuple[tuple[str, str], ...] = ()  #: (label, value) rows worth re-reading
    danger: bool = True  #: a red button for what ends or revokes something


def confirmed(request) -> bool:
    """Whether this POST came from the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirm_page(request, confirmation: Confirmation, *, action_url: str | None = None):
    """The confirmation page for this POST: every posted field is carried back unchanged."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "portal/confirm.html",
        {
            "confirmation": confirmation,
            "carried": carried,
            "action_url": action_url or request.get_full_path(),
            "confirmed_field": CONFIRMED,
        },
    )
