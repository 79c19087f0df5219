"""The [notification] group: how the monitor listens to the bus."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'notification',
    title='Notification listener options',
    help='How rintik-monitor consumes the notifications that Nova, '
         'Cinder, Neutron, Glance and Keystone publish.')

OPTS = [
    cfg.IntOpt(
        'workers',
        default=1,
        min=1,
        help='Number of monitor worker processes. Each runs one '
             'notification listener in the same pool, so RabbitMQ spreads '
             'the messages between them. Scale with processes (and hosts), '
             'not threads: one listener is bound to one CPU core.'),
    cfg.StrOpt(
        'pool_name',
        default='rintik',
        help='Listener pool name. Rintik consumes through its own queue '
             '(<topic>.<priority> of this pool) so that Ceilometer or any '
             'other consumer of the default notification queue does not '
             'take Rintik\'s messages. Every monitor of one deployment '
             'must use the same pool name.'),
    cfg.ListOpt(
        'exchanges',
        default=['nova', 'openstack', 'cinder', 'neutron', 'glance',
                 'keystone'],
        help='Exchanges to bind to. Every OpenStack service publishes on '
             'its own control exchange (Cinder\'s default is "openstack").'),
    cfg.ListOpt(
        'topics',
        default=['notifications'],
        help='Notification topics to consume on every exchange; they must '
             'match the producing services\' [oslo_messaging_notifications] '
             'topics.'),
    cfg.StrOpt(
        'nova_format',
        default='unversioned',
        choices=[('unversioned', 'bill from legacy compute.instance.* '
                                 'notifications on the topics above'),
                 ('versioned', 'bill from versioned instance.* '
                               'notifications, also consuming topic '
                               'versioned_notifications on the nova '
                               'exchange, and ignore compute.instance.*')],
        help='Which Nova notification format Rintik bills instances from. '
             'A Nova that emits both formats is billed once.'),
    cfg.ListOpt(
        'enabled_handlers',
        default=['compute_instance', 'volume', 'volume_snapshot',
                 'floating_ip', 'router', 'image', 'identity_project'],
        help='Billing handlers (entry points in the rintik.handlers '
             'namespace) to load. A name that does not exist stops the '
             'monitor at start-up.'),
    cfg.ListOpt(
        'unbillable_instance_states',
        default=['building', 'shelved_offloaded', 'soft-delete', 'deleted',
                 'error'],
        help='Nova vm_states in which an instance is not charged. Every '
             'other state (active, paused, suspended, stopped, rescued, '
             'resized, shelved, and any state a newer Nova adds) is '
             'charged at the flavor price.'),
    cfg.IntOpt(
        'batch_size',
        default=500,
        min=1,
        help='Maximum number of notifications handled, and committed, in '
             'one database transaction. A transaction costs about a dozen '
             'statements whatever its size, so larger batches cost less '
             'per notification (tools/bench/README.rst has the figures); '
             'a batch that fails is retried, or split, as a whole. Keep '
             'prefetch_count at about twice this value, so that the next '
             'batch is on its way while one is stored.'),
    cfg.IntOpt(
        'batch_timeout',
        default=1,
        min=1,
        help='Seconds to wait for a batch to fill before handling what has '
             'arrived.'),
    cfg.IntOpt(
        'transient_attempts',
        default=5,
        min=1,
        help='How many times a notification is requeued for a transient '
             'database error (a lost connection, a deadlock) before its '
             'batch is stored one message at a time, the message that '
             'still fails going to the quarantine. This happens only '
             'while the database answers a probe (SELECT 1): while it '
             'does not, notifications are requeued and none is '
             'quarantined. Attempts are counted per message id in each '
             'monitor worker\'s memory, so with several workers a message '
             'may be tried up to this many times in each.'),
    cfg.IntOpt(
        'prefetch_count',
        default=1000,
        min=1,
        help='How many unacknowledged messages RabbitMQ may push to one '
             'listener. Sets [oslo_messaging_rabbit] '
             'rabbit_qos_prefetch_count unless that is set explicitly; '
             'unlimited prefetch would pull a whole backlog into memory.'),
    cfg.StrOpt(
        'template_dir',
        help='Directory of Jinja2 templates that override the packaged '
             'ones for e-mail and notification-centre bodies. A file '
             'named <event>.html or <event>.txt (for example '
             'invoice_issued.txt), or message.html / message.txt for '
             'every event without its own template, replaces the packaged '
             'template of that name; templates not found here come from '
             'Rintik.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
