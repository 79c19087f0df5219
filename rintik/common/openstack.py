"""Calling the OpenStack APIs with the [openstack] credentials
(openstacksdk). Unpaid-invoice actions and check-openstack use it."""

import dataclasses

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading
import openstack
from openstack import connection as sdk_connection
from openstack import exceptions as sdk_exceptions

from rintik import exception

# The services Rintik acts on, by catalog service type.
SERVICE_TYPES = ('compute', 'block-storage', 'network', 'image')
ADMIN_ROLE = 'admin'
# What a failed call raises: the reason is recorded and it is retried.
ERRORS = (sdk_exceptions.SDKException, ks_exceptions.ClientException)


class NotConfigured(exception.RintikException):
    """[openstack] names neither a cloud nor credentials."""


def connect(conf):
    """An openstacksdk Connection from [openstack]: a clouds.yaml cloud,
    else the keystoneauth options of the group."""
    options = conf.openstack
    if options.cloud:
        return openstack.connect(cloud=options.cloud,
                                 region_name=options.region_name,
                                 interface=options.interface)
    auth = ks_loading.load_auth_from_conf_options(conf, 'openstack')
    if auth is None:
        raise NotConfigured('[openstack] has neither cloud nor auth_type.')
    session = ks_loading.load_session_from_conf_options(
        conf, 'openstack', auth=auth)
    return sdk_connection.Connection(
        session=session, region_name=options.region_name,
        interface=options.interface)


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check(conf):
    """Checks of the credentials, the admin role and every endpoint
    Rintik calls; stops at the first check the others depend on."""
    try:
        cloud = connect(conf)
        access = cloud.session.auth.get_access(cloud.session)
    except (NotConfigured,) + ERRORS as error:
        return [Check('credentials', False, reason(error))]
    results = [Check('credentials', True, 'token for user %s in project %s'
                     % (access.user_id, access.project_id))]
    roles = sorted(access.role_names)
    results.append(Check('admin role', ADMIN_ROLE in roles,
                         'roles: %s' % ', '.join(roles)))
    for service_type in SERVICE_TYPES:
        try:
            endpoint = cloud.session.get_endpoint(
                service_type=service_type,
                interface=conf.openstack.interface,
                region_name=conf.openstack.region_name)
        except ERRORS as error:
            results.append(Check(service_type, False, reason(error)))
            continue
        results.append(Check(service_type, endpoint is not None,
                             endpoint or 'no endpoint in the catalog'))
    return results


def reason(error):
    """A failed call's reason for the record."""
    return ('%s: %s' % (type(error).__name__, error))[:2000]


ROUTER_INTERFACE = 'network:router_interface'


def servers(cloud, project_id):
    """The project's servers (id, status)."""
    return list(cloud.compute.servers(all_projects=True,
                                      project_id=project_id))


def resources_to_delete(cloud, project_id):
    """(resource type, id) of everything of the project Rintik deletes,
    in the order it must go: floating IPs, router interfaces then their
    router, servers, volume snapshots, volumes, images. A router
    interface's id is ``<router id>/<port id>``."""
    found = [('floating_ip', ip.id)
             for ip in cloud.network.ips(project_id=project_id)]
    for router in cloud.network.routers(project_id=project_id):
        found.extend(('router_interface', '%s/%s' % (router.id, port.id))
                     for port in cloud.network.ports(
                         device_id=router.id, device_owner=ROUTER_INTERFACE))
        found.append(('router', router.id))
    found.extend(('instance', server.id)
                 for server in servers(cloud, project_id))
    found.extend(('snapshot', snapshot.id)
                 for snapshot in cloud.block_storage.snapshots(
                     all_projects=True, project_id=project_id))
    found.extend(('volume', volume.id)
                 for volume in cloud.block_storage.volumes(
                     all_projects=True, project_id=project_id))
    found.extend(('image', image.id)
                 for image in cloud.image.images(owner=project_id))
    return found


def delete(cloud, resource_type, resource_id):
    """Delete one resource listed by resources_to_delete."""
    if resource_type == 'router_interface':
        router_id, port_id = resource_id.split('/', 1)
        cloud.network.remove_interface_from_router(router_id,
                                                   port_id=port_id)
        return
    {'floating_ip': cloud.network.delete_ip,
     'router': cloud.network.delete_router,
     'instance': cloud.compute.delete_server,
     'snapshot': cloud.block_storage.delete_snapshot,
     'volume': cloud.block_storage.delete_volume,
     'image': cloud.image.delete_image}[resource_type](resource_id)
