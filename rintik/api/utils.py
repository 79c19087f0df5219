"""Helpers every controller uses: request bodies, query parameters,
datetimes, policy and project scope."""

import datetime
import decimal
import json
import re

import jsonschema
from oslo_policy import policy as oslo_policy
import pecan

from rintik.api import errors
from rintik.common import policy

MAX_LIMIT = 1000
NON_FIELD_ERRORS = 'non_field_errors'
_LIMIT_ERROR = {'limit': ['Ensure this value is an integer between 1 and '
                          '%d.' % MAX_LIMIT]}
_DIGITS = re.compile('[0-9]+')


class _DuplicateKey(ValueError):

    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _unique_object(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name):
    raise ValueError('%s is not a number' % name)


def parse_json(body):
    """Decode a request body: integers stay ``int``, other numbers become
    ``Decimal`` from their text (never a binary float). Raises BadRequest
    for a body that is not JSON and InvalidFields for a duplicate key."""
    try:
        return json.loads(body, parse_float=decimal.Decimal,
                          parse_constant=_no_constant,
                          object_pairs_hook=_unique_object)
    except _DuplicateKey as error:
        raise errors.InvalidFields({error.key: ['Duplicate key.']})
    except (ValueError, RecursionError):
        raise errors.BadRequest('The request body is not valid JSON.')


def validate(schema, document):
    """Check ``document`` against a JSON schema; every violation becomes
    ``{field: [message]}`` in one 400 (``non_field_errors`` for the
    document as a whole)."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    fields = {}
    for error in validator.iter_errors(document):
        for field, message in _field_errors(error):
            fields.setdefault(field, []).append(message)
    if fields:
        raise errors.InvalidFields(fields)


def _field_errors(error):
    path = [str(part) for part in error.absolute_path]
    if error.validator == 'required':
        for name in error.validator_value:
            if name not in error.instance:
                yield '.'.join(path + [name]), 'This field is required.'
    else:
        yield '.'.join(path) or NON_FIELD_ERRORS, error.message


def request_body(schema=None):
    """The current request's JSON body, validated against ``schema``."""
    document = parse_json(pecan.request.body)
    if schema is not None:
        validate(schema, document)
    return document


def pagination(limit=None, marker=None):
    """``(limit, marker)`` from the query: limit 1-1000 or None (all), an
    empty marker is None."""
    if limit is None or limit == '':
        return None, marker or None
    if not _DIGITS.fullmatch(limit) or not 1 <= int(limit) <= MAX_LIMIT:
        raise errors.InvalidFields(_LIMIT_ERROR)
    return int(limit), marker or None


def isotime(value):
    """A datetime as ISO 8601 UTC with Z; a naive one is taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return value.replace(tzinfo=None).isoformat() + 'Z'


def parse_datetime(value, field):
    """An ISO 8601 input as an aware UTC datetime; no zone means UTC."""
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise errors.InvalidFields(
            {field: ['Enter a valid ISO 8601 datetime.']})
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


def authorize(rule, target=None):
    """Raise 403 unless the caller may do ``rule`` on ``target`` (give
    ``{'project_id': ...}`` for project rules: a missing key denies)."""
    try:
        policy.authorize(pecan.request.context, rule, target or {})
    except (oslo_policy.PolicyNotAuthorized, oslo_policy.InvalidScope):
        raise errors.Forbidden('Policy does not allow %s.' % rule)


def project_scope(tenant_id=None):
    """The project a request is about: ``tenant_id`` if the caller may
    name it (its own project, or any project for an admin), else 403;
    the caller's project when none is given."""
    context = pecan.request.context
    if not tenant_id:
        return context.project_id
    if tenant_id != context.project_id and not context.is_admin:
        raise errors.Forbidden('You may only act on your own project.')
    return tenant_id
