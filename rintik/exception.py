"""Rintik's exceptions."""


class RintikException(Exception):
    """Base of every error Rintik raises on purpose."""


class InvalidNotification(RintikException):
    """A notification that can never be processed: it is quarantined."""


class NotFound(RintikException):
    """The object asked for does not exist."""


class Invalid(RintikException):
    """Input that breaks a rule; the message says which, ``field`` names
    the input at fault when there is one."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class Duplicate(RintikException):
    """The object exists already."""


class Conflict(RintikException):
    """The object's state does not allow the change."""
