"""The [openstack] group: the credentials Rintik calls the OpenStack APIs
with (unpaid-invoice actions, check-openstack)."""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

GROUP = cfg.OptGroup(
    'openstack',
    title='OpenStack API credentials',
    help='Rintik acts on projects\' resources (stops, shelves or deletes '
         'them for unpaid invoices) through openstacksdk. The credentials '
         'are either keystoneauth options in this group (auth_type, '
         'auth_url, username, password, project_name, user and project '
         'domain...) or the name of a cloud in clouds.yaml. The user needs '
         'the admin role, because it acts on every project.')

OPTS = [
    cfg.StrOpt(
        'cloud',
        help='Name of a cloud in clouds.yaml (looked up where openstacksdk '
             'looks: ./clouds.yaml, ~/.config/openstack/, '
             '/etc/openstack/). When set, the keystoneauth options of this '
             'group are ignored.'),
    cfg.StrOpt(
        'region_name',
        help='Region whose endpoints are used. Required when the catalog '
             'has more than one region.'),
    cfg.StrOpt(
        'interface',
        default='internal',
        choices=['public', 'internal', 'admin'],
        help='Which endpoint of each service in the catalog is called.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)
    ks_loading.register_session_conf_options(conf, GROUP.name)
    ks_loading.register_auth_conf_options(conf, GROUP.name)


def list_opts():
    return {GROUP: (OPTS + ks_loading.get_session_conf_options() +
                    ks_loading.get_auth_common_conf_options() +
                    ks_loading.get_auth_plugin_conf_options('password'))}
