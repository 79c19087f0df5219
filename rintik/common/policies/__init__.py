"""Every policy rule of Rintik, in code."""

import itertools

from rintik.common.policies import balance
from rintik.common.policies import base
from rintik.common.policies import invoice
from rintik.common.policies import metrics
from rintik.common.policies import notification
from rintik.common.policies import overview
from rintik.common.policies import price
from rintik.common.policies import project
from rintik.common.policies import setting
from rintik.common.policies import usage
from rintik.common.policies import version


def list_rules():
    return itertools.chain(
        base.list_rules(),
        price.list_rules(),
        setting.list_rules(),
        invoice.list_rules(),
        overview.list_rules(),
        project.list_rules(),
        notification.list_rules(),
        balance.list_rules(),
        usage.list_rules(),
        metrics.list_rules(),
        version.list_rules(),
    )
