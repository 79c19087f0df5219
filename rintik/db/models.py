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

RESOURCE_TYPES = ('instance', 'volume', 'snapshot', 'floating_ip',
                  'router', 'image')


class Base(orm.DeclarativeBase):
    pass


class Project(Base):
    """A billing project: known from any observation or from Keystone."""

    __tablename__ = 'projects'
    id = sa.Column(sa.Integer, primary_key=True)
    __table_args__ = (
        sa.UniqueConstraint('project_id', name='uniq_projects0project_id'),
    )
    project_id = sa.Column(sa.String(64), nullable=False)
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
    )
    id = sa.Column(sa.Integer, primary_key=True)
    resource_type = sa.Column(sa.String(16), nullable=False)
    resource_id = sa.Column(sa.String(64), nullable=False)
    project_id = sa.Column(sa.String(64), nullable=True)
    name = sa.Column(sa.String(255), nullable=True)


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
    message_id = sa.Column(sa.String(255), nullable=False)
    resource_pk = sa.Column(sa.Integer, sa.ForeignKey('resources.id'),
                            nullable=False)
    event_type = sa.Column(sa.String(255), nullable=False)
    event_time = sa.Column(types.UTCDateTime, nullable=False)
    gone = sa.Column(sa.Boolean, nullable=False)
    project_id = sa.Column(sa.String(64), nullable=True)
    billable = sa.Column(sa.Boolean, nullable=False)
    price_key = sa.Column(sa.String(255), nullable=True)
    quantity = sa.Column(Quantity, nullable=True)
    name = sa.Column(sa.String(255), nullable=True)
    source = sa.Column(sa.String(16), nullable=False,
                       default='notification')
    received_at = sa.Column(types.UTCDateTime, nullable=False)


class UsageInterval(Base):
    """A stretch of one resource's billable time, derived from its
    observations in event-time order."""

    __tablename__ = 'usage_intervals'
    __table_args__ = (
        sa.Index('usage_intervals_resource_idx', 'resource_pk'),
        sa.Index('usage_intervals_project_start_idx', 'project_id',
                 'start'),
    )
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, 'sqlite'),
                   primary_key=True)
    resource_pk = sa.Column(sa.Integer, sa.ForeignKey('resources.id'),
                            nullable=False)
    project_id = sa.Column(sa.String(64), nullable=True)
    price_key = sa.Column(sa.String(255), nullable=True)
    quantity = sa.Column(Quantity, nullable=False)
    start = sa.Column(types.UTCDateTime, nullable=False)
    end = sa.Column(types.UTCDateTime, nullable=True)


class QuarantinedMessage(Base):
    """A notification that could not be processed, kept with its reason."""

    __tablename__ = 'quarantine'
    id = sa.Column(sa.Integer, primary_key=True)
    __table_args__ = (
        sa.UniqueConstraint('message_id', name='uniq_quarantine0message_id'),
    )
    message_id = sa.Column(sa.String(255), nullable=False)
    event_type = sa.Column(sa.String(255), nullable=True)
    publisher_id = sa.Column(sa.String(255), nullable=True)
    priority = sa.Column(sa.String(16), nullable=True)
    reason = sa.Column(sa.Text, nullable=False)
    envelope = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(types.UTCDateTime, nullable=False)
