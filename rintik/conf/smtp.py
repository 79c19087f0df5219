"""The [smtp] group: how ``rintik-manage notification send`` delivers
e-mail."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'smtp',
    title='SMTP options',
    help='The mail server that receives Rintik\'s e-mail. Only '
         '"rintik-manage notification send" connects to it; the rollover '
         'and the API only queue messages in the notification centre.')

OPTS = [
    cfg.HostAddressOpt(
        'host',
        default='localhost',
        help='Host name or address of the SMTP server.'),
    cfg.PortOpt(
        'port',
        default=25,
        help='TCP port of the SMTP server: usually 25 (relay), 587 '
             '(submission with STARTTLS) or 465 (TLS from the start).'),
    cfg.StrOpt(
        'security',
        default='none',
        choices=[('none', 'plain SMTP, for a relay on the same host or '
                          'network'),
                 ('starttls', 'upgrade the connection with STARTTLS and '
                              'fail if the server does not offer it'),
                 ('tls', 'TLS from the first byte (SMTPS)')],
        help='How the connection to the SMTP server is encrypted. The '
             'server certificate is verified against the system\'s '
             'certificate authorities.'),
    cfg.StrOpt(
        'user',
        help='User name for SMTP authentication; no authentication when '
             'unset.'),
    cfg.StrOpt(
        'password',
        secret=True,
        help='Password for SMTP authentication.'),
    cfg.StrOpt(
        'from_address',
        default='rintik@localhost',
        help='The From address of every e-mail, for example '
             '"Billing <billing@example.com>".'),
    cfg.FloatOpt(
        'timeout',
        default=30.0,
        min=1.0,
        help='Seconds to wait for the SMTP server to connect or answer '
             'before the attempt counts as failed.'),
    cfg.IntOpt(
        'batch_size',
        default=100,
        min=1,
        help='Most e-mails delivered by one run of "notification send"; '
             'the rest wait for the next run.'),
    cfg.IntOpt(
        'retry_interval',
        default=60,
        min=1,
        help='Seconds before a failed e-mail is tried again after its '
             'first failure; the wait doubles after each further failure '
             'up to max_retry_interval.'),
    cfg.IntOpt(
        'max_retry_interval',
        default=3600,
        min=1,
        help='Longest wait, in seconds, between two attempts to deliver '
             'the same e-mail. Failed e-mails are retried until they are '
             'delivered.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
