"""Every endpoint of the dashboard contract, and hypothesis strategies of
arbitrary requests to them: strings, numbers, dates and ids in paths,
query strings and JSON bodies.

``check_any_request`` sends one and asserts what must hold whatever the
input: no 5xx, and an error (or any JSON endpoint's answer) is JSON.
Used by test_contract_fuzz (SQLite) and the functional MariaDB slice.
"""

import json
from urllib import parse

from hypothesis import strategies as st
import webob

KINDS = ('flavor', 'volume', 'floating_ip', 'router', 'snapshot', 'image')

# (method, path template): {kind}, {id}, {T} (a tenant id) and {name}
# are filled with arbitrary segments.
ENDPOINTS = (
    ('GET', '/'),
    ('GET', '/api/'),
    ('GET', '/healthcheck'),
    ('GET', '/metrics'),
    ('GET', '/api/price/{kind}/'),
    ('POST', '/api/price/{kind}/'),
    ('GET', '/api/price/{kind}/{id}/'),
    ('PUT', '/api/price/{kind}/{id}/'),
    ('PATCH', '/api/price/{kind}/{id}/'),
    ('DELETE', '/api/price/{kind}/{id}/'),
    ('GET', '/api/price/{kind}/{id}/history/'),
    ('GET', '/api/settings/'),
    ('GET', '/api/settings/{name}/'),
    ('PUT', '/api/settings/{name}/'),
    ('PATCH', '/api/settings/{name}/'),
    ('GET', '/api/invoice/'),
    ('GET', '/api/invoice/simple_list/'),
    ('GET', '/api/invoice/{id}/'),
    ('POST', '/api/invoice/enable_billing/'),
    ('POST', '/api/invoice/disable_billing/'),
    ('POST', '/api/invoice/reset_billing/'),
    ('POST', '/api/invoice/reset_transaction_data/'),
    ('GET', '/api/invoice/{id}/finish/'),
    ('POST', '/api/invoice/{id}/finish/'),
    ('GET', '/api/invoice/{id}/rollback_to_unpaid/'),
    ('POST', '/api/invoice/{id}/rollback_to_unpaid/'),
    ('GET', '/api/admin_overview/{name}/'),
    ('GET', '/api/project_overview/{name}/'),
    ('GET', '/api/project_overview/{T}/get_tenant/'),
    ('POST', '/api/project_overview/{T}/update_email/'),
    ('GET', '/api/notification/'),
    ('GET', '/api/notification/{id}/'),
    ('GET', '/api/notification/{id}/set_read/'),
    ('GET', '/api/notification/{id}/set_unread/'),
    ('GET', '/api/notification/{id}/resend/'),
    ('GET', '/api/balance/'),
    ('GET', '/api/balance/{id}/'),
    ('GET', '/api/balance/{T}/retrieve_by_project/'),
    ('GET', '/api/balance/{T}/transaction_by_project/'),
    ('POST', '/api/balance/{T}/top_up_by_project/'),
    ('POST', '/api/balance/{T}/top_down_by_project/'),
    ('GET', '/api/usage/unpriced/'),
)

# Answers that are not JSON by design.
NOT_JSON = {('GET', '/metrics'): 200}

FIELDS = (
    'hourly_price', 'hourly_price_currency', 'monthly_price',
    'monthly_price_currency', 'effective_from', 'flavor_id',
    'volume_type_id', 'value', 'amount', 'amount_currency', 'description',
    'email_notification', 'start_date', 'tenant_id', 'instance_id',
    'volume_id', 'fip_id', 'router_id', 'snapshot_id', 'image_id', 'name',
    'space_allocation_gb', 'ip')
ARRAYS = ('instances', 'volumes', 'floating_ips', 'routers', 'snapshots',
          'images')
QUERY_NAMES = ('tenant_id', 'limit', 'marker', 'skip_balance')
TENANTS = ('project-a', 'project-b', 'admin-project', '0')
EDGE_DATES = ('0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-01:00',
              '0001-01-01', '9999-12-31T23:59:59.999999')
EDGE_TEXT = ('', ' ', '\x00', '%00', '../', '..', '1_000',
             '\u0661\u0662', '\U0001F600', 'x' * 1024, '1e3', '-0', 'NaN',
             'Infinity', '0x10', '\u00b2', '1.', '.5', '+1')

texts = st.one_of(st.sampled_from(EDGE_TEXT), st.text(max_size=80))
# Edge dates first and twice: they are the ones that broke.
dates = st.one_of(
    st.sampled_from(EDGE_DATES), st.sampled_from(EDGE_DATES),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.sampled_from(('2026-03-01', '2026-13-01T00:00:00Z', '2026-02-30',
                     '1969-12-31T23:59:59Z')),
    texts)
number_texts = st.one_of(
    st.from_regex(r'(0|[1-9][0-9]{0,5})(\.[0-9]{1,4})?', fullmatch=True),
    st.from_regex(r'-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,12})?'
                  r'([eE][-+]?[0-9]{1,4})?', fullmatch=True),
    st.sampled_from(['1e400', '-1e-400', '100000000000000000000',
                     '0.000000001', '2147483648', '-0']))


def _json_object(items):
    return '{%s}' % ','.join('%s:%s' % (json.dumps(key), value)
                             for key, value in items.items())


def _json_array(items):
    return '[%s]' % ','.join(items)


scalars = st.one_of(
    st.sampled_from(['null', 'true', 'false']),
    number_texts,
    texts.map(json.dumps),
    dates.map(json.dumps),
    st.sampled_from(TENANTS).map(json.dumps))
keys = st.one_of(st.sampled_from(FIELDS + ARRAYS), texts)
# JSON text written out by hand so that numbers are sent exactly as
# generated (1e400, -0, ...), like any client could.
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(_json_array),
        st.dictionaries(keys, children, max_size=6).map(_json_object)),
    max_leaves=12)
money = st.one_of(number_texts, number_texts.map(json.dumps),
                 texts.map(json.dumps))
ids = st.one_of(st.sampled_from(TENANTS), texts).map(json.dumps)
# A value for each field that looks like what the field takes, often
# enough well-formed that the request reaches the code behind the
# schema.
FIELD_VALUES = dict(
    {field: money for field in ('hourly_price', 'monthly_price', 'amount',
                                'space_allocation_gb')},
    effective_from=dates.map(json.dumps), start_date=dates.map(json.dumps),
    **{field: st.one_of(st.sampled_from(('"IDR"', 'null')), ids) for field
       in ('hourly_price_currency', 'monthly_price_currency',
           'amount_currency')},
    value=json_values,
    **{field: ids for field in FIELDS if not field.endswith((
        'price', 'amount', 'gb', 'currency', 'date', 'from', 'value'))})
ITEM_FIELDS = ('tenant_id', 'start_date', 'instance_id', 'volume_id',
               'fip_id', 'router_id', 'snapshot_id', 'image_id', 'name',
               'ip', 'flavor_id', 'volume_type_id', 'space_allocation_gb')
# The fields each body takes, by the last word of its path.
BODY_FIELDS = {
    'price': ('hourly_price', 'hourly_price_currency', 'monthly_price',
              'monthly_price_currency', 'effective_from', 'flavor_id',
              'volume_type_id'),
    'settings': ('value',),
    'enable_billing': ('start_date',) + ARRAYS,
    'update_email': ('email_notification',),
    'top_up_by_project': ('amount', 'amount_currency', 'description'),
    'top_down_by_project': ('amount', 'amount_currency', 'description'),
}
plausible_items = st.fixed_dictionaries({}, optional={
    field: FIELD_VALUES[field] for field in ITEM_FIELDS}).map(_json_object)
FIELD_VALUES.update({array: st.lists(plausible_items, max_size=3).map(
    _json_array) for array in ARRAYS})


def _body_fields(template):
    words = [word for word in template.split('/') if word and
             not word.startswith('{')]
    for word in reversed(words):
        if word in BODY_FIELDS:
            return BODY_FIELDS[word]
    return ()


def bodies(template):
    """Bodies for ``template``: its own fields with plausible values
    (three times in five), or any JSON, or any bytes."""
    plausible = st.fixed_dictionaries({}, optional={
        field: FIELD_VALUES[field] for field in _body_fields(template)}).map(
        _json_object).map(str.encode)
    return st.one_of(plausible, plausible, plausible,
                     json_values.map(str.encode), st.binary(max_size=64))


SEEDED_IDS = ('1', '2', '3', '4', '5', '6')
segments = st.one_of(
    st.sampled_from(SEEDED_IDS).map(str.encode),
    st.sampled_from(SEEDED_IDS).map(str.encode),
    st.sampled_from(('0', '99', '2147483648', '9' * 30, '01',
                     '-1')).map(str.encode),
    st.sampled_from(TENANTS + KINDS + ('invoice_tax', 'company_name',
                                       'total_resource')).map(str.encode),
    texts.map(lambda text: text.encode('utf-8', 'surrogatepass')),
    st.binary(max_size=16))
query_values = st.one_of(
    st.sampled_from(TENANTS + ('1', '0', '1000', '1001', 'true')),
    texts.map(lambda text: text.encode('utf-8', 'surrogatepass')),
    st.binary(max_size=16))
# Half the requests have no query, so that the rest of them is read.
queries = st.one_of(st.just({}), st.dictionaries(
    st.one_of(st.sampled_from(QUERY_NAMES), texts),
    query_values, max_size=4))
identities = st.sampled_from((
    {},                                     # noauth: admin
    {'X-Project-Id': 'project-a', 'X-User-Id': 'u-a',
     'X-Roles': 'member,reader'},
    {'X-Project-Id': 'project-b', 'X-User-Id': 'u-b', 'X-Roles': 'reader'},
))


def _quoted(segment):
    return parse.quote(segment, safe='')


@st.composite
def requests(draw, endpoint):
    """A request to ``endpoint``: (method, path with query, body, headers).
    Path segments are fixed ones, seeded ids or arbitrary bytes."""
    method, template = endpoint
    path = template
    for placeholder in ('{kind}', '{id}', '{T}', '{name}'):
        if placeholder in path:
            if placeholder == '{kind}' and draw(st.integers(0, 3)):
                segment = draw(st.sampled_from(KINDS))
            else:
                segment = _quoted(draw(segments))
            path = path.replace(placeholder, segment)
    query = draw(queries)
    if query:
        path += '?' + '&'.join(
            '%s=%s' % (_quoted(key.encode('utf-8', 'surrogatepass')),
                       _quoted(value)) for key, value in query.items())
    headers = dict(draw(identities))
    headers['Accept'] = 'application/json'
    body = b''
    if method in ('POST', 'PUT', 'PATCH'):
        body = draw(bodies(template))
        headers['Content-Type'] = 'application/json'
    return method, path, body, headers


def check_any_request(test, application, endpoint, request):
    """Send ``request``; fail ``test`` on a 5xx or an answer that is not
    JSON (but for 204 and the Prometheus text of /metrics)."""
    method, path, body, headers = request
    response = webob.Request.blank(path, method=method, body=body,
                                   headers=headers).get_response(
        application)
    described = '%s %s -> %s %r' % (method, path[:200], response.status,
                                    response.body[:200])
    test.assertLess(response.status_int, 500, described)
    if response.status_int == 204 or \
            NOT_JSON.get(endpoint) == response.status_int:
        return response
    test.assertEqual('application/json', response.content_type, described)
    json.loads(response.body)
    return response
