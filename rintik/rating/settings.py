"""The operator settings the API and rintik-manage expose, typed."""

import base64
import binascii
import dataclasses
import re

from rintik.db import settings as db_settings
from rintik import exception


@dataclasses.dataclass(frozen=True)
class SettingSpec:
    type: type
    default: object
    read_only: bool = False


SPECS = {
    'billing_enabled': SettingSpec(bool, False, read_only=True),
    'invoice_tax': SettingSpec(int, 0),
    'company_name': SettingSpec(str, ''),
    'company_logo': SettingSpec(str, ''),
    'company_address': SettingSpec(str, ''),
    'email_admin': SettingSpec(str, ''),
    'invoice_auto_deduct_balance': SettingSpec(bool, False),
    'how_to_top_up': SettingSpec(str, ''),
}

# The company logo shown on invoices and e-mail: base64 of at most this
# many bytes (the API's 1 MiB body limit holds its base64 text).
MAX_LOGO_BYTES = 512 * 1024
EMAIL = re.compile(r'^[^@\s,]+@[^@\s,]+\.[^@\s,]+$')

_TRUE = ('true', '1', 'yes', 'on')
_FALSE = ('false', '0', 'no', 'off')


def all_settings(context):
    """Every setting with its value (stored, else default)."""
    stored = db_settings.stored_settings(context)
    values = {name: stored.get(name, spec.default)
              for name, spec in SPECS.items()}
    values['billing_enabled'] = any(
        window.end is None for window in db_settings.windows(context))
    return values


def get_setting(context, name):
    if name not in SPECS:
        raise exception.NotFound()
    return all_settings(context)[name]


def validate(name, value):
    """``value`` checked against the setting's type; Invalid otherwise."""
    def invalid(message):
        return exception.Invalid(message, field=name)

    spec = SPECS.get(name)
    if spec is None:
        raise invalid('Unknown setting %s.' % name)
    if spec.read_only:
        raise invalid('%s is read-only: enable or disable billing instead.'
                      % name)
    if spec.type is int and (isinstance(value, bool) or
                             not isinstance(value, int)):
        raise invalid('%s must be an integer.' % name)
    if spec.type is not int and not isinstance(value, spec.type):
        raise invalid('%s must be a %s.' % (
            name, {bool: 'boolean', str: 'string'}[spec.type]))
    if name == 'invoice_tax' and not 0 <= value <= 100:
        raise invalid('invoice_tax must be between 0 and 100.')
    if name == 'email_admin':
        return email_list(value, name)
    if name == 'company_logo':
        _check_logo(value)
    return value


def email_list(text, field):
    """A comma list of e-mail addresses, normalised (``a@x,b@y``);
    Invalid naming ``field`` when an address is not valid."""
    addresses = [part.strip() for part in text.split(',') if part.strip()]
    bad = [address for address in addresses if not EMAIL.match(address)]
    if bad:
        raise exception.Invalid('Enter valid e-mail addresses: %s'
                                % ', '.join(bad), field=field)
    return ','.join(addresses)


def _check_logo(text):
    try:
        size = len(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        raise exception.Invalid('company_logo must be base64.',
                                field='company_logo')
    if size > MAX_LOGO_BYTES:
        raise exception.Invalid('company_logo must be at most %d bytes.'
                                % MAX_LOGO_BYTES, field='company_logo')


def parse_text(name, text):
    """A command-line value converted to the setting's type."""
    spec = SPECS.get(name)
    if spec is None or spec.type is str:
        return text
    if spec.type is bool:
        if text.lower() in _TRUE + _FALSE:
            return text.lower() in _TRUE
        raise exception.Invalid('%s must be true or false.' % name)
    try:
        return int(text)
    except ValueError:
        raise exception.Invalid('%s must be an integer.' % name)


def set_setting(context, name, value):
    """Validate and store one setting; returns the stored value."""
    value = validate(name, value)
    db_settings.store_setting(context, name, value)
    return value
