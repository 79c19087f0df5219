"""What handlers extract from a notification: facts about resources and
projects, with no knowledge of any payload shape left in them."""

import dataclasses
import decimal


@dataclasses.dataclass(frozen=True)
class Observation:
    """At the notification's event time, a resource exists (with its
    billable attributes) or is gone."""

    resource_type: str
    resource_id: str
    project_id: str | None
    gone: bool = False
    billable: bool = False
    price_key: str | None = None
    quantity: decimal.Decimal | None = None
    name: str | None = None


@dataclasses.dataclass(frozen=True)
class ProjectEvent:
    """Keystone registered (``retired=False``) or retired a project."""

    project_id: str
    retired: bool = False
