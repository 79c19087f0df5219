#!/usr/bin/env bash
# The first run, to an invoice, on one host with the default SQLite
# database:
#
#   1. installs Rintik in .venv (unless $RINTIK_VENV names one that has it)
#      and writes $RINTIK_LOCAL_DIR/rintik.conf (default .rintik-local/);
#   2. migrates the database, starts rintik-api (noauth, development only)
#      and, when RabbitMQ answers, rintik-monitor;
#   3. feeds the example month (tools/example/month.jsonl, January 2025)
#      through RabbitMQ, on a virtual host of its own (created with
#      rabbitmqctl or the management API; failing both, on the default
#      virtual host with a topic and queue of its own, deleted at the
#      end), or, without a broker, with `rintik-manage replay`;
#   4. opens a billing window from 2025-01-01 and sets the example prices
#      from then unless they exist, rolls January over and prints its
#      invoices;
#   5. prints the API's URL once it answers, and how to stop.
#
# Running it again changes nothing: the notifications are stored once,
# existing prices and windows are kept, the rollover is idempotent.
#
# Usage: tools/run-local.sh [--once]
#   --once  stop rintik-api and rintik-monitor after printing (tests, CI)
# Environment: RINTIK_VENV, RINTIK_LOCAL_DIR, RINTIK_API_PORT (8182),
#   RINTIK_RABBIT (guest:guest@127.0.0.1:5672), RINTIK_LOCAL_VHOST
#   (rintik-local).
set -euo pipefail

once=false
case "${1:-}" in
    --once) once=true ;;
    "") ;;
    *) echo "usage: $0 [--once]" >&2; exit 1 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
example=$top/tools/example
venv=${RINTIK_VENV:-$top/.venv}
state=$(mkdir -p "${RINTIK_LOCAL_DIR:-$top/.rintik-local}" &&
        cd "${RINTIK_LOCAL_DIR:-$top/.rintik-local}" && pwd)
port=${RINTIK_API_PORT:-8182}
rabbit=${RINTIK_RABBIT:-guest:guest@127.0.0.1:5672}
rabbit_user=${rabbit%%:*}
vhost=${RINTIK_LOCAL_VHOST:-rintik-local}
conf=$state/rintik.conf
log=$state/rintik.log
py=$venv/bin/python

if [ ! -x "$venv/bin/rintik-monitor" ]; then
    echo "Installing Rintik in $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q -e "$top"
fi
manage() {
    "$venv/bin/rintik-manage" --config-file "$conf" "$@"
}

# The bus: a virtual host of our own, else our own topic and queue on the
# default one, else none (replay).
make_vhost() {
    if command -v rabbitmqctl >/dev/null &&
            rabbitmqctl -q list_vhosts >/dev/null 2>&1; then
        rabbitmqctl -q list_vhosts | grep -qx "$vhost" ||
            rabbitmqctl -q add_vhost "$vhost"
        rabbitmqctl -q set_permissions -p "$vhost" "$rabbit_user" \
            '.*' '.*' '.*'
    else
        local api="http://${rabbit%%@*}@${rabbit#*@}"
        api=${api%:*}:15672/api
        "$py" - "$api" "$vhost" "$rabbit_user" <<'PY'
import base64, sys, urllib.parse, urllib.request
api, vhost, user = sys.argv[1:]
parts = urllib.parse.urlsplit(api)
auth = base64.b64encode(('%s:%s' % (urllib.parse.unquote(parts.username),
                         urllib.parse.unquote(parts.password))).encode())
base = '%s://%s:%s%s' % (parts.scheme, parts.hostname, parts.port, parts.path)
name = urllib.parse.quote(vhost, safe='')
for path, body in (('/vhosts/' + name, b'{}'),
                   ('/permissions/%s/%s' % (name, user),
                    b'{"configure": ".*", "write": ".*", "read": ".*"}')):
    request = urllib.request.Request(base + path, data=body, method='PUT',
                                     headers={'Authorization': b'Basic ' + auth,
                                              'Content-Type': 'application/json'})
    urllib.request.urlopen(request, timeout=5).close()
PY
    fi
}

topic=notifications
pool=rintik
bus=none
if "$py" "$example/local.py" amqp-answers "amqp://$rabbit//" 2>/dev/null; then
    if make_vhost >/dev/null 2>&1; then
        bus="vhost $vhost"
        transport="rabbit://$rabbit/$vhost"
        amqp="amqp://$rabbit/$vhost"
    else
        bus="the default virtual host, topic and queue rintik-local"
        topic=rintik_local_notifications pool=rintik-local
        transport="rabbit://$rabbit/"
        amqp="amqp://$rabbit//"
    fi
fi

cat > "$conf" <<CONF
# Written by tools/run-local.sh on every run.
[DEFAULT]
state_path = $state
log_file = $log
${transport:+transport_url = $transport}

[api]
auth_strategy = noauth
port = $port

[notification]
topics = $topic
pool_name = $pool
CONF

manage db sync
echo "Rintik on SQLite: $state/rintik.sqlite (config $conf, log $log)"

pids=()
stop() {
    if [ ${#pids[@]} -gt 0 ]; then
        kill "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
    pids=()
    if [ "$pool" = rintik-local ]; then
        "$py" "$example/local.py" delete-queue "$amqp" "$pool" || true
    fi
}
trap stop EXIT
trap 'exit 130' INT TERM

"$venv/bin/rintik-api" --config-file "$conf" >> "$state/rintik-api.out" 2>&1 &
pids+=($!)

listening() {
    grep -c 'Listening in pool' "$log" 2>/dev/null || true
}

if [ "$bus" != none ]; then
    before=$(listening)
    "$venv/bin/rintik-monitor" --config-file "$conf" \
        >> "$state/rintik-monitor.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 120); do
        [ "$(listening)" -gt "$before" ] && break
        sleep 0.5
    done
    if [ "$(listening)" -gt "$before" ]; then
        sent=$("$py" "$example/local.py" publish "$amqp" "$topic" \
            "$example/month.jsonl")
        echo "Sent the example month ($sent notifications) through RabbitMQ," \
             "on $bus"
        "$py" "$example/local.py" drain "$amqp" "$pool" 60 || true
        sleep 2  # the monitor's last batch (batch_timeout)
    else
        echo "rintik-monitor is not consuming (see $log)"
    fi
else
    echo "RabbitMQ does not answer at ${rabbit#*@}: no rintik-monitor"
fi
# Whatever the bus delivered, a replay stores what it has not (and says
# what that was): replaying twice changes nothing.
manage replay "$example/month.jsonl"

# A billing window from the example month on, unless billing is enabled.
if [ "$(manage setting get billing_enabled)" != True ]; then
    manage billing enable --start-date 2025-01-01T00:00:00Z
fi
# The example prices, for the keys that have none (from the month's
# start: nothing is issued yet, so any effective_from is accepted).
while read -r kind key hourly monthly; do
    [ "$key" = - ] && key=
    if ! manage price history "$kind" ${key:+"$key"} >/dev/null 2>&1; then
        manage price set "$kind" ${key:+"$key"} --hourly "$hourly" \
            ${monthly:+--monthly "$monthly"} \
            --effective-from 2025-01-01T00:00:00Z
    fi
done <<'PRICES'
flavor m1.small 0.02 10.00
flavor m1.large 0.08
volume standard 0.0002
floating_ip - 0.004
router - 0.01
snapshot - 0.0001
PRICES
# January ends: its invoices are issued, February's opened.
manage invoice-rollover --now 2025-02-01T01:00:00Z

echo
echo "Invoices:"
manage invoice list
ids=$(manage invoice list --format json |
    "$py" "$example/local.py" example-invoices 2025-01-01T00:00:00Z)
for id in $ids; do
    echo
    echo "Invoice $id (rintik-manage --config-file $conf invoice show $id):"
    manage invoice show "$id"
done
echo

url=http://127.0.0.1:$port/
if "$py" "$example/local.py" http-answers "$url" 60; then
    echo "Rintik API (noauth, development only): $url"
else
    echo "rintik-api does not answer on $url (see $log)"
fi
if $once; then
    stop
    echo "Stopped rintik-api and rintik-monitor (--once)."
    exit 0
fi
echo "rintik-api and rintik-monitor run until Ctrl-C" \
     "(or: kill ${pids[*]}); logs in $log"
wait
