"""The [api] group: how rintik-api listens and authenticates."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'api',
    title='API options',
    help='The REST API that the Rintik Dashboard and other clients call.')

NOAUTH_HOST = '127.0.0.1'

OPTS = [
    cfg.HostAddressOpt(
        'host',
        default='0.0.0.0',
        help='Address rintik-api binds to. Only the built-in server uses '
             'it; under uWSGI, mod_wsgi or gunicorn the WSGI server '
             'binds. When auth_strategy is noauth and this option is not '
             'set, rintik-api binds to %s instead, so that an '
             'unauthenticated API is never exposed by accident.'
             % NOAUTH_HOST),
    cfg.PortOpt(
        'port',
        default=8182,
        help='TCP port rintik-api listens on. Only the built-in server '
             'uses it.'),
    cfg.StrOpt(
        'auth_strategy',
        default='keystone',
        choices=[('keystone', 'every request but GET / and GET '
                              '/healthcheck needs a Keystone token, '
                              'validated by keystonemiddleware (configure '
                              '[keystone_authtoken])'),
                 ('noauth', 'development only: no token is checked; the '
                            'caller is whoever the X-Project-Id, '
                            'X-User-Id and X-Roles headers say (no '
                            'X-Roles means admin)')],
        help='How API requests are authenticated.'),
    cfg.IntOpt(
        'max_request_body_size',
        default=1048576,
        min=1,
        help='Largest request body, in bytes, the API accepts. A larger '
             'body is refused with 400 before it is read.'),
    cfg.IntOpt(
        'metrics_cache_seconds',
        default=15,
        min=0,
        help='Seconds for which each rintik-api process reuses the '
             'figures of /metrics that read in proportion to the usage '
             '(the cost and running resources of the open invoices and '
             'the count of unpriced usage intervals) once it has read '
             'them; 0 reads them at every scrape. Once they '
             'have passed, the next scrape starts a new read in the '
             'background and is answered with the previous figures; a '
             'scrape waits for a read of its own only for the first '
             'figures of the process, or when the last read began twice '
             'this long ago (no scrape for that long), so figures are '
             'never older than that. With tens of thousands of projects '
             'the exposition is large (two samples per project and '
             'resource type, about 12 MB at 10,000 projects, 1 MB with '
             'gzip) and takes seconds to read: the default suits one '
             'process scraped every 15 s; set it to about the interval '
             'between two scrapes of one process (the scrape interval, '
             'times the number of rintik-api processes behind the scraped '
             'address).'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}


def bind_host(conf):
    """The address rintik-api binds to: [api] host, except that noauth
    binds to the loopback address unless host was set explicitly."""
    location = conf.get_location('host', group='api').location
    if (conf.api.auth_strategy == 'noauth'
            and location == cfg.Locations.opt_default):
        return NOAUTH_HOST
    return conf.api.host
