"""Form helpers every app's views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash_errors(request, source) -> None:
    """Flash every message of a bound form's errors, a ValidationError or a PermissionDenied,
    for a POST that redirects back to a page of its own (no form to show them on)."""
    if isinstance(source, BaseForm):
        texts = [text for errors in source.errors.values() for text in errors]
    elif isinstance(source, ValidationError):
        texts = source.messages
    else:
        texts = [str(source)]
    for text in texts:
        messages.error(request, text)
