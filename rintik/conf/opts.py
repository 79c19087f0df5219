"""Option discovery for oslo-config-generator."""

import importlib
import pkgutil

import rintik.conf

_EXCLUDED = ('opts',)


def _option_modules():
    path = rintik.conf.__path__
    for module in pkgutil.iter_modules(path):
        if module.name not in _EXCLUDED:
            yield importlib.import_module('rintik.conf.' + module.name)


def list_opts():
    """Return (group, options) pairs for every option Rintik registers."""
    grouped = {}
    for module in _option_modules():
        for group, opts in module.list_opts().items():
            grouped.setdefault(group, []).extend(opts)
    return [(group, opts) for group, opts in grouped.items()]
