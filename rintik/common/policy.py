"""The policy enforcer: Rintik's rules in code (rintik.common.policies),
overridden by the operator's policy file."""

from oslo_policy import policy

from rintik.common import policies
from rintik import conf

CONF = conf.CONF

_ENFORCER = None


def init(conf_object=CONF):
    """The process's enforcer, created on first use."""
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = policy.Enforcer(conf_object)
        _ENFORCER.register_defaults(policies.list_rules())
    return _ENFORCER


def reset():
    """Forget the enforcer (tests, or a changed configuration)."""
    global _ENFORCER
    _ENFORCER = None


def get_enforcer():
    """The enforcer for the oslopolicy-* tools, which do not parse
    Rintik's configuration themselves."""
    CONF([], project='rintik')
    return init()


def authorize(context, rule, target):
    """Raise oslo.policy's PolicyNotAuthorized (or InvalidScope) unless
    ``context`` may do ``rule`` on ``target``."""
    init().authorize(rule, target, context, do_raise=True)


def check_is_admin(context):
    """Whether ``context`` passes the context_is_admin rule."""
    return init().authorize('context_is_admin', {}, context)
