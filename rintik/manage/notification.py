"""rintik-manage notification: the e-mail outbox."""


from rintik.common import clock
from rintik import context as rintik_context
from rintik.manage import base
from rintik.notify import outbox


class NotificationCommands:
    description = 'Notifications and their e-mail.'

    def __init__(self, conf):
        self.conf = conf
        self.context = rintik_context.get_admin_context()

    def send(self):
        """Deliver pending e-mail from the outbox (cron: every minute)."""
        summary = outbox.send_pending(
            self.context, self.conf, clock.utcnow())
        if not summary.ran:
            print('Another notification send is running; nothing done.')
            return
        print('Sent %d e-mails, %d failed' % (summary.sent, summary.failed))
        if summary.failed and not summary.sent:
            raise base.CommandError('No e-mail could be delivered.')
