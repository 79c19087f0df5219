"""Delivering the notification centre's pending e-mail (the outbox).

Only ``rintik-manage notification send`` runs this. Delivery is at least
once: a notification is marked sent after the SMTP server accepted it,
so a crash in between sends it again with the same Message-ID, which
mail systems collapse. A failure is recorded with its reason and retried
with a doubling wait."""

import dataclasses
import datetime
import email.message
import email.utils
import logging
import smtplib

from rintik.common import coordination
from rintik.db import notifications as db_notifications
from rintik.db import projects as db_projects
from rintik.notify import centre
from rintik.notify import smtp
from rintik.notify import templates
from rintik.rating import settings

LOG = logging.getLogger(__name__)

LOCK = 'notification-send'
NO_RECIPIENT = 'No recipient address'


@dataclasses.dataclass
class Summary:
    ran: bool = True
    sent: int = 0
    failed: int = 0


def addresses(text):
    """A comma-separated address list as a list."""
    return [part.strip() for part in (text or '').split(',')
            if part.strip()]


def retry_at(conf, attempts, now):
    """When to try again after the ``attempts``-th failure."""
    wait = min(conf.smtp.retry_interval * 2 ** (attempts - 1),
               conf.smtp.max_retry_interval)
    return now + datetime.timedelta(seconds=wait)


def send_pending(context, conf, now):
    """Deliver the e-mail due at ``now`` (one host at a time)."""
    with coordination.exclusive(conf, LOCK) as taken:
        if not taken:
            LOG.info('Another notification send is running.')
            return Summary(ran=False)
        return _Delivery(context, conf, now).run()


class _Delivery:

    def __init__(self, context, conf, now):
        self.context = context
        self.conf = conf
        self.now = now
        self.summary = Summary()
        self.server = None
        # Why the server could not be reached: the rest of the run's
        # e-mail fails with it rather than waiting for each timeout.
        self.unreachable = None

    def run(self):
        rows = db_notifications.due(self.context, self.now,
                                    self.conf.smtp.batch_size)
        if not rows:
            return self.summary
        values = settings.all_settings(self.context)
        try:
            for row in rows:
                self._deliver(row, values)
        finally:
            if self.server is not None:
                self._quit()
        return self.summary

    def _recipients(self, row, values):
        if row.project_id is None:
            return addresses(values['email_admin'])
        project = db_projects.get_project(self.context, row.project_id)
        return addresses(project.email_notification if project else '')

    def _message(self, row, recipients, values):
        event, data = centre.facts(row)
        company = {key: values[key] for key in ('company_name',
                                                'company_address')}
        message = email.message.EmailMessage()
        message['From'] = self.conf.smtp.from_address
        message['To'] = ', '.join(recipients)
        message['Subject'] = row.title
        message['Date'] = email.utils.format_datetime(row.created_at)
        message['Message-ID'] = row.message_id
        message.set_content(templates.render(event, templates.TEXT,
                                             row.title, data, company))
        message.add_alternative(templates.render(
            event, templates.HTML, row.title, data, company),
            subtype='html')
        return message

    def _deliver(self, row, values):
        recipients = self._recipients(row, values)
        if not recipients:
            # Nothing to retry until an address is set and it is resent.
            self._failed(row, NO_RECIPIENT, retry=False)
            return
        if self.unreachable is not None:
            self._failed(row, self.unreachable)
            return
        message = self._message(row, recipients, values)
        try:
            if self.server is None:
                self.server = self._connect()
            self.server.send_message(message)
        except smtplib.SMTPServerDisconnected as error:
            self.server = None
            self._failed(row, _reason(error))
        except (smtplib.SMTPException, OSError) as error:
            self._failed(row, _reason(error))
        else:
            # A project's notice names the addresses it went to; the
            # admins' stay "Admin" (dashboard-api.md).
            db_notifications.mark_sent(
                self.context, row.id, row.recipient if row.project_id is None
                else ','.join(recipients), self.now)
            self.summary.sent += 1

    def _connect(self):
        try:
            return smtp.connect(self.conf)
        except (smtplib.SMTPException, OSError) as error:
            self.unreachable = 'Cannot reach %s:%d: %s' % (
                self.conf.smtp.host, self.conf.smtp.port, _reason(error))
            raise _Unreachable(self.unreachable)

    def _quit(self):
        try:
            self.server.quit()
        except (smtplib.SMTPException, OSError):
            self.server.close()

    def _failed(self, row, reason, retry=True):
        when = retry_at(self.conf, row.attempts + 1, self.now) if retry \
            else None
        LOG.warning('E-mail of notification %d not delivered: %s',
                    row.id, reason)
        db_notifications.mark_failed(self.context, row.id, reason, when)
        self.summary.failed += 1


class _Unreachable(OSError):
    """The SMTP server could not be reached."""

    def __str__(self):
        return self.args[0]


def _reason(error):
    """A failure's reason for the record: its class and message."""
    if isinstance(error, _Unreachable):
        return str(error)
    return ('%s: %s' % (type(error).__name__, error))[:2000]
