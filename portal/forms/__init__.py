"""The portal core's forms and the form helpers every app's views share."""

from portal.forms.accounts import LoginForm
from portal.forms.errors import add_service_errors, flash_errors

__all__ = ["LoginForm", "add_service_errors", "flash_errors"]
