"""The resource types Rintik bills, in the dashboard's order, with the
JSON array each is listed in (dashboard-api.md)."""

ARRAYS = {
    'instance': 'instances',
    'volume': 'volumes',
    'floating_ip': 'floating_ips',
    'router': 'routers',
    'snapshot': 'snapshots',
    'image': 'images',
}
