"""pecan hooks: the request context, and controller errors as JSON."""

from pecan import hooks

from rintik.api import errors
from rintik.api import utils
from rintik.common import policy
from rintik import context as rintik_context
from rintik import exception


class ContextHook(hooks.PecanHook):
    """Put a RequestContext built from the identity headers (set by
    keystonemiddleware or noauth) on ``pecan.request.context``."""

    def before(self, state):
        context = rintik_context.RequestContext.from_environ(
            state.request.environ)
        context.is_admin = policy.check_is_admin(context)
        state.request.context = context


class ErrorHook(hooks.PecanHook):
    """Answer an ApiError (or rintik's NotFound, Invalid, Conflict) with
    its JSON body."""

    def on_error(self, state, error):
        if isinstance(error, exception.NotFound):
            error = errors.NotFound()
        elif isinstance(error, exception.Invalid):
            error = errors.InvalidFields(
                {error.field or utils.NON_FIELD_ERRORS: [str(error)]})
        elif isinstance(error, exception.Conflict):
            error = errors.Conflict(str(error))
        if isinstance(error, errors.ApiError):
            return errors.json_response(error.status, error.body)
