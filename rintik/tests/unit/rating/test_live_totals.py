"""The live totals (rintik.rating.overview over rintik.db.live_totals)
equal the live re-rating of every open invoice (rintik.rating.invoicing.
invoice_lines summed per resource type) after random usage changes (late
ones too), price versions (future, capped, ended), billing window changes
and rollovers, once refreshed; read later without a refresh while no
edge passed, they still equal it (the growth of the running charges is
added on read); and ``usage unpriced``, filtered in SQL, finds what
testing every interval finds. A read never rates and never writes."""

from unittest import mock

import datetime
import random

from rintik.billing import quantity as billing_quantity
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import live_totals as db_live
from rintik.db import ratecard as db_ratecard
from rintik.db import settings as db_settings
from rintik.db import usage
from rintik import exception
from rintik.rating import invoicing
from rintik.rating import live
from rintik.rating import overview
from rintik.rating import prices
from rintik.rating import ratecard
from rintik.rating import unpriced
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.helpers import RatingTestCase

PROJECTS = ('p1', 'p2', 'p3')
KEYS = {'instance': ('flavor', ('m1', 'm2')),
        'volume': ('volume', ('ssd', 'hdd')),
        'floating_ip': ('floating_ip', (None,)),
        'image': ('image', (None,))}
HOURLY = ('0.0232', '0.5', '0.00027778', '250', '1.3', '0.00000007')
MONTHLY = (None, None, '3', '30', '0.01', '200000')
SECOND = datetime.timedelta(seconds=1)
# Reads of a scenario that found open invoices with usage, at least.
STEPS_WITH_INVOICES = 10


class LiveTotalsScenarios:
    """Random scenarios comparing the live totals with a re-rating."""

    STEPS = 45

    def expected(self, now):
        """{project: {type: (segments, running, cost, running cost)}} by
        rating every open invoice live."""
        currency = self.policy.currency
        result = {}
        for invoice in db_invoices.list_invoices(
                self.context, state=db_invoices.IN_PROGRESS):
            lines, _ids = invoicing.invoice_lines(self.context, invoice,
                                                  self.policy, now)
            project = result.setdefault(invoice.project_id, {})
            for line in lines:
                old = project.get(line.interval.resource_type, (0, 0, 0, 0))
                charge = live.to_units(line.charge, currency)
                running = line.end is None
                project[line.interval.resource_type] = (
                    old[0] + 1, old[1] + running, old[2] + charge,
                    old[3] + (charge if running else 0))
        return result

    def actual(self, now, project=None):
        values = overview.overview(self.context, self.policy, now, project)
        currency = self.policy.currency
        return {kind: (values['total_resource'][kind],
                       values['active_resource'][kind],
                       live.to_units(values['price_total_resource'][kind],
                                     currency),
                       live.to_units(values['price_active_resource'][kind],
                                     currency))
                for kind in overview.TYPES
                if values['total_resource'][kind]}

    def edge_passed(self, now):
        """Whether a segment of a stored invoice changed shape by ``now``
        (only a refresh makes the figures exact again)."""
        valid_until = db_live.status(self.context).valid_until
        return valid_until is not None and valid_until <= now

    def check(self, now, note, refresh=True):
        """The figures read at ``now`` equal a re-rating at ``now``;
        after a refresh at ``now`` (the monitor's timer), or without one
        (the growth since the last refresh added on read)."""
        if refresh:
            overview.refresh(self.context, self.policy, now)
        expected = self.expected(now)
        with mock.patch.object(invoicing, 'rate',
                               side_effect=AssertionError('rated')):
            self._compare(now, expected, note)
        self.check_unpriced(note)

    def _compare(self, now, expected, note):
        self.compared += bool(expected)
        admin = {}
        for project, kinds in expected.items():
            for kind, value in kinds.items():
                admin[kind] = tuple(a + b for a, b in zip(
                    admin.get(kind, (0, 0, 0, 0)), value))
        self.assertEqual(admin, self.actual(now), note)
        project = self.rng.choice(PROJECTS)
        self.assertEqual(expected.get(project, {}),
                         self.actual(now, project), note + ' ' + project)
        currency = self.policy.currency
        self.assertEqual(
            sorted((project, kind, live.from_units(value[2], currency),
                    value[1])
                   for project, kinds in expected.items()
                   for kind, value in kinds.items()),
            overview.by_project(self.context, self.policy, now), note)

    def check_unpriced(self, note):
        """``usage unpriced`` filtered in SQL finds what testing every
        interval of the open periods finds."""
        since = db_invoices.oldest_open_period(self.context)
        card = ratecard.RateCard.load(self.context)
        everything = [
            interval for interval in usage.usage_intervals(self.context)
            if (since is None or interval.end is None or
                interval.end > since) and
            unpriced._unpriced(interval, card.versions_for(interval))]
        self.assertEqual(everything, unpriced.unpriced_usage(self.context),
                         note)

    # Random actions -----------------------------------------------------

    def _attributes(self, resource_type):
        kind, keys = KEYS[resource_type]
        key = self.rng.choice(keys)
        if resource_type == 'volume':
            return key, D(self.rng.choice((1, 10, 500)))
        if resource_type == 'image':
            return key, billing_quantity.gib_from_bytes(
                self.rng.randrange(1, 10 ** 10))
        return key, D(1)

    def _usage(self, now):
        moment = now
        if self.rng.random() < 0.3:
            # A late notification.
            moment -= datetime.timedelta(
                seconds=self.rng.randrange(1, 4 * 86400))
        live_ones = [r for r, alive in self.alive.items() if alive]
        action = self.rng.choice(('create', 'create', 'resize', 'delete'))
        if action == 'create' or not live_ones:
            resource_id = 'r%d' % len(self.alive)
            resource_type = self.rng.choice(sorted(KEYS))
            self.alive[resource_id] = True
            self.types[resource_id] = (resource_type,
                                       self.rng.choice(PROJECTS))
        else:
            resource_id = self.rng.choice(sorted(live_ones))
        resource_type, project = self.types[resource_id]
        if action == 'delete' and live_ones:
            self.alive[resource_id] = False
            self.observe(moment, resource_id, project=project,
                         resource_type=resource_type, gone=True)
            return
        price_key, quantity = self._attributes(resource_type)
        self.observe(moment, resource_id, project=project,
                     resource_type=resource_type, price_key=price_key,
                     quantity=quantity)

    def _price(self, now, ended=False):
        resource_type = self.rng.choice(sorted(KEYS))
        kind, keys = KEYS[resource_type]
        key = self.rng.choice(keys)
        effective_from = None
        if self.rng.random() < 0.5:
            effective_from = now + datetime.timedelta(
                seconds=self.rng.randrange(1, 3 * 86400),
                microseconds=self.rng.randrange(10 ** 6))
        try:
            if ended:
                row = db_ratecard.find_key(self.context, kind, key or '')
                prices.end_price(self.context, kind, row.id, now)
            else:
                prices.set_price(self.context, kind, key,
                                 self.rng.choice(HOURLY),
                                 self.rng.choice(MONTHLY), effective_from,
                                 now)
        except (exception.Invalid, exception.NotFound):
            pass

    def _window(self, now):
        windows = db_settings.windows(self.context)
        if windows and windows[-1].end is None:
            db_settings.close_window(self.context, now)
        else:
            db_settings.open_window(self.context, now + datetime.timedelta(
                seconds=self.rng.randrange(0, 7200)))

    def run_scenario(self, seed):
        self.rng = random.Random(seed)
        self.config(group='billing',
                    charge_unit=self.rng.choice(('second', 'minute',
                                                 'hour')),
                    monthly_price_mode=self.rng.choice(('cap',
                                                        'full_month')),
                    currency=self.rng.choice(('USD', 'IDR', 'JPY', 'KWD')))
        self.alive, self.types = {}, {}
        self.grown = self.compared = 0
        now = at(1, 1)
        for resource_type, (kind, keys) in sorted(KEYS.items()):
            for key in keys:
                prices.set_price(self.context, kind, key,
                                 self.rng.choice(HOURLY),
                                 self.rng.choice(MONTHLY), now, now)
        self.enable(now)
        self.rollover(now)
        for step in range(self.STEPS):
            before = now
            now += datetime.timedelta(
                seconds=self.rng.randrange(1, 40 * 3600),
                microseconds=self.rng.randrange(10 ** 6))
            if now.month != before.month:
                if self.rng.random() < 0.5:
                    self.check(now, 'seed %d step %d before the rollover'
                               % (seed, step))
                self.rollover(now)
            elif self.rng.random() < 0.5:
                # The hourly rollover opens the invoices of new projects.
                self.rollover(now)
            choice = self.rng.random()
            if choice < 0.65:
                self._usage(now)
            elif choice < 0.8:
                self._price(now)
            elif choice < 0.85:
                self._price(now, ended=True)
            elif choice < 0.95:
                self._window(now)
            note = 'seed %d step %d' % (seed, step)
            self.check(now, note)
            # The clock moves on: growing groups (read without a
            # refresh while no edge passed) and edges.
            for seconds in (1, self.rng.randrange(2, 300),
                            self.rng.randrange(300, 90000)):
                now += datetime.timedelta(seconds=seconds)
                refresh = self.edge_passed(now) or self.rng.random() < 0.3
                if not refresh:
                    self.grown += bool(self.due_groups(now))
                self.check(now, '%s +%d s' % (note, seconds), refresh)
        # Open invoices were compared, and reads without a refresh added
        # the growth of some groups.
        self.assertGreater(self.compared, STEPS_WITH_INVOICES)
        self.assertGreater(self.grown, 0)

    def due_groups(self, now):
        with main_context_manager.reader.using(self.context):
            return db_live.due_groups(self.context.session, now)


class LiveTotalsTest(LiveTotalsScenarios, RatingTestCase):

    def test_seed_0(self):
        self.run_scenario(0)

    def test_seed_1(self):
        self.run_scenario(1)

    def test_seed_2(self):
        self.run_scenario(2)

    def test_seed_3(self):
        self.run_scenario(3)
