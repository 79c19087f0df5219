"""Rintik's database schema (SQLAlchemy 2 declarative models).

Metering keeps every observation (append-only, unique per message) and
derives usage intervals from them; the intervals are a cache that can
always be rebuilt from the observations.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from rintik.db import types

# Quantities: up to 30 decimals, because an image is billed per GiB and
# bytes / 2**30 needs 30 decimal places to be exact.
Quantity = types.ExactDecimal(40, 30)
# Prices: up to 8 decimals (the API refuses more).
Price = types.ExactDecimal(20, 8)
# Amounts of money, rounded to a minor unit of at most 3 decimals.
Money = types.ExactDecimal(20, 3)


class Base(orm.DeclarativeBase):
    pass


class Project(Base):
    """A billing project: known from any observation or from Keystone."""

    __tablename__ = 'projects'
    id = sa.Column(sa.Integer, primary_key=True)
    __table_args__ = (
        sa.UniqueConstraint('project_id', name='uniq_projects0project_id'),
    )
    project_id = sa.Column(types.Identifier(64), nullable=False)
    known_since = sa.Column(types.UTCDateTime, nullable=False)
    retired_at = sa.Column(types.UTCDateTime, nullable=True)
    email_notification = sa.Column(sa.Text, nullable=True)


class Resource(Base):
    """One metered resource; its row is the lock that serialises the
    derivation of its usage intervals between concurrent workers."""

    __tablename__ = 'resources'
    __table_args__ = (
        sa.UniqueConstraint('resource_type', 'resource_id',
                            name='uniq_resources0type0id'),
        sa.Index('resources_project_idx', 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    resource_type = sa.Column(types.Identifier(16), nullable=False)
    resource_id = sa.Column(types.Identifier(64), nullable=False)
    project_id = sa.Column(types.Identifier(64), nullable=True)
    name = sa.Column(sa.String(255), nullable=True)
    # The sort key of the newest observation derived from (its event
    # time, gone flag and message id): notifications that come after it
    # extend the usage without re-reading the history.
    tail_event_time = sa.Column(types.UTCDateTime, nullable=True)
    tail_gone = sa.Column(sa.Boolean, nullable=True)
    tail_message_id = sa.Column(types.Identifier(255), nullable=True)
    # Event time of the first "gone" observation (usage is final; a
    # purged resource's is its tombstone's).
    gone_at = sa.Column(types.UTCDateTime, nullable=True)


class Observation(Base):
    """One fact taken from a notification: at ``event_time`` the resource
    exists with these billable attributes, or is gone."""

    __tablename__ = 'observations'
    __table_args__ = (
        sa.UniqueConstraint('message_id', 'resource_pk',
                            name='uniq_observations0message0resource'),
        sa.Index('observations_resource_time_idx', 'resource_pk',
                 'event_time'),
    )
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, 'sqlite'),
                   primary_key=True)
    message_id = sa.Column(types.Identifier(255), nullable=False)
    resource_pk = sa.Column(sa.Integer, sa.ForeignKey('resources.id'),
                            nullable=False)
    event_type = sa.Column(sa.String(255), nullable=False)
    event_time = sa.Column(types.UTCDateTime, nullable=False)
    gone = sa.Column(sa.Boolean, nullable=False)
    project_id = sa.Column(types.Identifier(64), nullable=True)
    billable = sa.Column(sa.Boolean, nullable=False)
    price_key = sa.Column(types.Identifier(255), nullable=True)
    quantity = sa.Column(Quantity, nullable=True)
    name = sa.Column(sa.String(255), nullable=True)
    source = sa.Column(sa.String(16), nullable=False,
                       default='notification')
    received_at = sa.Column(types.UTCDateTime, nullable=False)


class UsageIntervalRow(Base):
    """A stored rintik.billing.usage.UsageInterval: a stretch of one
    resource's billable time, derived from its observations in event-time
    order (the resource's type and id are on its resources row)."""

    __tablename__ = 'usage_intervals'
    __table_args__ = (
        # A resource's running interval, and those that end from a
        # moment on, without reading the rest of its history.
        sa.Index('usage_intervals_resource_end_idx', 'resource_pk', 'end'),
        sa.Index('usage_intervals_project_start_idx', 'project_id',
                 'start'),
    )
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, 'sqlite'),
                   primary_key=True)
    resource_pk = sa.Column(sa.Integer, sa.ForeignKey('resources.id'),
                            nullable=False)
    project_id = sa.Column(types.Identifier(64), nullable=True)
    price_key = sa.Column(types.Identifier(255), nullable=True)
    quantity = sa.Column(Quantity, nullable=False)
    start = sa.Column(types.UTCDateTime, nullable=False)
    end = sa.Column(types.UTCDateTime, nullable=True)


class UsageChange(Base):
    """A change of one resource's usage intervals for one project, from
    ``changed_from`` on, written by the transaction that made it.

    ``recorded_at`` is the database server's clock, read by the
    transaction that writes the row once it holds its locks. The
    rollover consumes the rows it read (by id): every change to an issued
    period is adjusted exactly once, whatever commits around it.
    """

    __tablename__ = 'usage_changes'
    __table_args__ = (
        sa.Index('usage_changes_project_idx', 'project_id'),
        sa.Index('usage_changes_live_idx', 'live_applied'),
    )
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, 'sqlite'),
                   primary_key=True)
    project_id = sa.Column(types.Identifier(64), nullable=False)
    resource_pk = sa.Column(sa.Integer, sa.ForeignKey('resources.id'),
                            nullable=False)
    changed_from = sa.Column(types.UTCDateTime, nullable=False)
    recorded_at = sa.Column(types.UTCDateTime, nullable=False)
    # Set once the live totals re-rated the project after this change.
    live_applied = sa.Column(sa.Boolean, nullable=False, default=False,
                             server_default=sa.false())


class QuarantinedMessage(Base):
    """A notification that could not be processed, kept with its reason."""

    __tablename__ = 'quarantine'
    id = sa.Column(sa.Integer, primary_key=True)
    __table_args__ = (
        sa.UniqueConstraint('message_id', name='uniq_quarantine0message_id'),
    )
    # The message id, or 'sha256:<hex>' of an id too long or not ASCII
    # (then the id itself is in full_message_id).
    message_id = sa.Column(types.Identifier(255), nullable=False)
    full_message_id = sa.Column(sa.Text, nullable=True)
    event_type = sa.Column(sa.String(255), nullable=True)
    publisher_id = sa.Column(sa.String(255), nullable=True)
    priority = sa.Column(sa.String(16), nullable=True)
    reason = sa.Column(sa.Text, nullable=False)
    envelope = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(types.UTCDateTime, nullable=False)


class IngestCounter(Base):
    """A running total of the monitor's ingest events (requeued
    notifications, split batches, redeliveries), read by /metrics."""

    __tablename__ = 'ingest_counters'
    name = sa.Column(sa.String(32), primary_key=True)
    value = sa.Column(sa.BigInteger, nullable=False, default=0)


class PriceKey(Base):
    """One price on the rate card: a flavor, a volume type, or one of the
    single-price kinds (``key`` is '' for those)."""

    __tablename__ = 'price_keys'
    __table_args__ = (
        sa.UniqueConstraint('kind', 'key', name='uniq_price_keys0kind0key'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(16), nullable=False)
    key = sa.Column(types.Identifier(255), nullable=False)
    created_at = sa.Column(types.UTCDateTime, nullable=False)
    updated_at = sa.Column(types.UTCDateTime, nullable=False)


class PriceVersion(Base):
    """A price of a key from ``effective_from`` on; ``ended`` versions mark
    the key deleted (usage after it is unpriced)."""

    __tablename__ = 'price_versions'
    __table_args__ = (
        sa.Index('price_versions_key_effective_idx', 'price_key_id',
                 'effective_from'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    price_key_id = sa.Column(sa.Integer, sa.ForeignKey('price_keys.id'),
                             nullable=False)
    effective_from = sa.Column(types.UTCDateTime, nullable=False)
    hourly = sa.Column(Price, nullable=True)
    monthly = sa.Column(Price, nullable=True)
    ended = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(types.UTCDateTime, nullable=False)


class Setting(Base):
    """An operator setting, JSON-encoded; absent means its default."""

    __tablename__ = 'settings'
    name = sa.Column(sa.String(64), primary_key=True)
    value = sa.Column(sa.Text, nullable=False)
    updated_at = sa.Column(types.UTCDateTime, nullable=False)


class BillingWindow(Base):
    """A stretch of time in which usage is charged; ``end`` is None while
    billing is enabled."""

    __tablename__ = 'billing_windows'
    id = sa.Column(sa.Integer, primary_key=True)
    start = sa.Column(types.UTCDateTime, nullable=False)
    end = sa.Column(types.UTCDateTime, nullable=True)


class Invoice(Base):
    """One project's invoice for one period (a calendar month)."""

    __tablename__ = 'invoices'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'period_start',
                            name='uniq_invoices0project0period'),
        sa.Index('invoices_state_idx', 'state'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(types.Identifier(64), nullable=False)
    period_start = sa.Column(types.UTCDateTime, nullable=False)
    period_end = sa.Column(types.UTCDateTime, nullable=False)
    state = sa.Column(sa.Integer, nullable=False)
    subtotal = sa.Column(Money, nullable=True)
    tax = sa.Column(Money, nullable=True)
    total = sa.Column(Money, nullable=True)
    tax_percent = sa.Column(sa.Integer, nullable=True)
    closed_at = sa.Column(types.UTCDateTime, nullable=True)
    finish_date = sa.Column(types.UTCDateTime, nullable=True)
    deducted = sa.Column(Money, nullable=False, default=0)
    # The newest price version the invoice was rated with: re-rating it
    # for an adjustment uses the rate card as it was.
    ratecard_revision = sa.Column(sa.Integer, nullable=True)
    created_at = sa.Column(types.UTCDateTime, nullable=False)
    updated_at = sa.Column(types.UTCDateTime, nullable=False)


class InvoiceSegment(Base):
    """A charged piece of usage frozen on an issued invoice; adjustment
    segments carry a closed period's re-rated difference."""

    __tablename__ = 'invoice_segments'
    __table_args__ = (
        sa.Index('invoice_segments_invoice_idx', 'invoice_id'),
        sa.Index('invoice_segments_adjusted_idx', 'adjusted_invoice_id'),
    )
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, 'sqlite'),
                   primary_key=True)
    invoice_id = sa.Column(sa.Integer, sa.ForeignKey('invoices.id'),
                           nullable=False)
    resource_type = sa.Column(types.Identifier(16), nullable=False)
    resource_id = sa.Column(types.Identifier(64), nullable=False)
    name = sa.Column(sa.String(255), nullable=True)
    price_key = sa.Column(types.Identifier(255), nullable=True)
    quantity = sa.Column(Quantity, nullable=False)
    start = sa.Column(types.UTCDateTime, nullable=False)
    end = sa.Column(types.UTCDateTime, nullable=False)
    hourly = sa.Column(Price, nullable=True)
    monthly = sa.Column(Price, nullable=True)
    charge = sa.Column(Money, nullable=False)
    unpriced = sa.Column(sa.Boolean, nullable=False)
    adjustment = sa.Column(sa.Boolean, nullable=False)
    adjusted_invoice_id = sa.Column(sa.Integer,
                                    sa.ForeignKey('invoices.id'),
                                    nullable=True)


class Balance(Base):
    """A project's prepaid balance."""

    __tablename__ = 'balances'
    __table_args__ = (
        sa.UniqueConstraint('project_id', name='uniq_balances0project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(types.Identifier(64), nullable=False)
    amount = sa.Column(Money, nullable=False)
    created_at = sa.Column(types.UTCDateTime, nullable=False)
    updated_at = sa.Column(types.UTCDateTime, nullable=False)


class BalanceTransaction(Base):
    """One entry of a balance's ledger: a top-up or a deduction."""

    __tablename__ = 'balance_transactions'
    __table_args__ = (
        sa.Index('balance_transactions_balance_idx', 'balance_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    balance_id = sa.Column(sa.Integer, sa.ForeignKey('balances.id'),
                           nullable=False)
    amount = sa.Column(Money, nullable=False)
    action = sa.Column(sa.String(16), nullable=False)
    description = sa.Column(sa.Text, nullable=True)
    invoice_id = sa.Column(sa.Integer, sa.ForeignKey('invoices.id'),
                           nullable=True)
    # Who caused it: a user id, ``rollover`` or ``rintik-manage``; and
    # the API request id.
    caused_by = sa.Column(sa.String(255), nullable=True)
    request_id = sa.Column(sa.String(64), nullable=True)
    created_at = sa.Column(types.UTCDateTime, nullable=False)


class Notification(Base):
    """A message of the notification centre (and its e-mail)."""

    __tablename__ = 'notifications'
    __table_args__ = (
        sa.Index('notifications_project_idx', 'project_id'),
        sa.Index('notifications_send_after_idx', 'send_after'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(types.Identifier(64), nullable=True)
    title = sa.Column(sa.String(255), nullable=False)
    short_description = sa.Column(sa.String(255), nullable=False)
    # The HTML a record stored by a release before migration 0012 was
    # shown with; later ones are rendered from ``data`` when read.
    content = sa.Column(sa.Text, nullable=True)
    recipient = sa.Column(sa.Text, nullable=False)
    sent_status = sa.Column(sa.Boolean, nullable=False, default=False)
    is_read = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(types.UTCDateTime, nullable=False)
    # The e-mail outbox: what happened (``event``, its facts as JSON in
    # ``data``), the Message-ID every delivery attempt carries, and when
    # the next attempt is due (null: nothing to send).
    event = sa.Column(sa.String(32), nullable=True)
    data = sa.Column(sa.Text, nullable=True)
    message_id = sa.Column(sa.String(255), nullable=True)
    send_after = sa.Column(types.UTCDateTime, nullable=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0,
                         server_default='0')
    last_error = sa.Column(sa.Text, nullable=True)
    sent_at = sa.Column(types.UTCDateTime, nullable=True)


class UnpaidStep(Base):
    """An unpaid-invoice step taken for one invoice (at most once)."""

    __tablename__ = 'unpaid_steps'
    __table_args__ = (
        sa.UniqueConstraint('invoice_id', 'step',
                            name='uniq_unpaid_steps0invoice0step'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(sa.Integer, sa.ForeignKey('invoices.id'),
                           nullable=False)
    # ``DAYS:ACTION`` of the [unpaid_invoice] step.
    step = sa.Column(sa.String(64), nullable=False)
    taken_at = sa.Column(types.UTCDateTime, nullable=False)


class UnpaidAction(Base):
    """What a step did to one OpenStack resource, so that a failure is
    retried and a stop can be undone on payment."""

    __tablename__ = 'unpaid_actions'
    __table_args__ = (
        sa.UniqueConstraint('invoice_id', 'step', 'resource_type',
                            'resource_id',
                            name='uniq_unpaid_actions0resource'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(sa.Integer, sa.ForeignKey('invoices.id'),
                           nullable=False)
    step = sa.Column(sa.String(64), nullable=False)
    resource_type = sa.Column(sa.String(32), nullable=False)
    resource_id = sa.Column(types.Identifier(255), nullable=False)
    # done | failed | restored | restore_failed
    status = sa.Column(sa.String(16), nullable=False)
    error = sa.Column(sa.Text, nullable=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    updated_at = sa.Column(types.UTCDateTime, nullable=False)


class RatingState(Base):
    """The one row (id 1) every change of what invoices are rated from
    locks: price versions, billing windows and issuing serialise on it.

    ``generation`` grows with each price or window change, so a rollover
    knows when its rate card is stale; ``issued_until`` is the end of the
    newest issued period (the floor of ``effective_from`` and of new
    windows); ``last_rollover_at`` and ``last_reconcile_at`` are when a
    rollover and a reconciliation last completed (database clock).
    """

    __tablename__ = 'rating_state'
    id = sa.Column(sa.Integer, primary_key=True)
    generation = sa.Column(sa.Integer, nullable=False, default=0)
    issued_until = sa.Column(types.UTCDateTime, nullable=True)
    last_rollover_at = sa.Column(types.UTCDateTime, nullable=True)
    last_reconcile_at = sa.Column(types.UTCDateTime, nullable=True)


class LiveState(Base):
    """The one row (id 1) the live totals are refreshed under: what they
    were computed from (rating state generation, billing policy) and the
    in-progress invoices they cover (count and newest id)."""

    __tablename__ = 'live_state'
    id = sa.Column(sa.Integer, primary_key=True)
    generation = sa.Column(sa.Integer, nullable=True)
    policy = sa.Column(sa.String(255), nullable=True)
    open_count = sa.Column(sa.Integer, nullable=True)
    open_max_id = sa.Column(sa.Integer, nullable=True)


class LiveInvoice(Base):
    """An in-progress invoice the live totals cover; ``valid_until`` is
    the first moment its segments change shape (None: never)."""

    __tablename__ = 'live_invoices'
    __table_args__ = (
        sa.Index('live_invoices_valid_idx', 'valid_until'),
        sa.Index('live_invoices_project_idx', 'project_id'),
    )
    invoice_id = sa.Column(sa.Integer, primary_key=True,
                           autoincrement=False)
    project_id = sa.Column(sa.String(64), nullable=False)
    valid_until = sa.Column(types.UTCDateTime, nullable=True)


class LiveTotal(Base):
    """Segments, running segments, cost and running cost (in minor
    units of the currency) of one in-progress invoice's resource type."""

    __tablename__ = 'live_totals'
    __table_args__ = (
        sa.Index('live_totals_invoice_idx', 'invoice_id'),
        sa.Index('live_totals_project_idx', 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(sa.Integer, nullable=False)
    project_id = sa.Column(sa.String(64), nullable=False)
    resource_type = sa.Column(sa.String(16), nullable=False)
    segments = sa.Column(sa.Integer, nullable=False)
    running = sa.Column(sa.Integer, nullable=False)
    cost = sa.Column(sa.BigInteger, nullable=False)
    running_cost = sa.Column(sa.BigInteger, nullable=False)


class LiveTypeTotal(Base):
    """LiveTotal summed over every in-progress invoice, per resource
    type (what the admin overview reads)."""

    __tablename__ = 'live_type_totals'
    resource_type = sa.Column(sa.String(16), primary_key=True)
    segments = sa.Column(sa.BigInteger, nullable=False)
    running = sa.Column(sa.BigInteger, nullable=False)
    cost = sa.Column(sa.BigInteger, nullable=False)
    running_cost = sa.Column(sa.BigInteger, nullable=False)


class LiveGroup(Base):
    """A charge group whose last segment grows with the clock: what its
    total at any moment is computed from (exact decimals as text), its
    total now (minor units) and when that total next changes."""

    __tablename__ = 'live_groups'
    __table_args__ = (
        sa.Index('live_groups_invoice_idx', 'invoice_id'),
        sa.Index('live_groups_next_idx', 'next_change_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(sa.Integer, nullable=False)
    resource_type = sa.Column(sa.String(16), nullable=False)
    running = sa.Column(sa.Boolean, nullable=False)
    start = sa.Column(types.UTCDateTime, nullable=False)
    stops_at = sa.Column(types.UTCDateTime, nullable=False)
    base = sa.Column(sa.String(128), nullable=False)
    rate = sa.Column(sa.String(128), nullable=False)
    cap = sa.Column(sa.String(128), nullable=True)
    billed_before = sa.Column(sa.BigInteger, nullable=False)
    total = sa.Column(sa.BigInteger, nullable=False)
    next_change_at = sa.Column(types.UTCDateTime, nullable=True)
