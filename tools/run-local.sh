#!/usr/bin/env bash
# The one command that sets up and runs Rintik on a single host with the
# default SQLite database: creates .venv, installs Rintik, writes
# .rintik-local/rintik.conf, migrates the database and runs rintik-monitor
# (and rintik-api in noauth mode on 127.0.0.1:8182 when it is installed)
# in the foreground until Ctrl-C. RabbitMQ must answer on 127.0.0.1:5672
# (guest/guest), the default transport_url.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/rintik-monitor ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -e .
fi
state=$(pwd)/.rintik-local
mkdir -p "$state"
conf=$state/rintik.conf
if [ ! -f "$conf" ]; then
    cat > "$conf" <<CONF
[DEFAULT]
state_path = $state
log_file = $state/rintik.log

[api]
auth_strategy = noauth
CONF
fi
.venv/bin/rintik-manage --config-file "$conf" db sync
echo "Rintik on SQLite: $state/rintik.sqlite (config $conf)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
if [ -x .venv/bin/rintik-api ]; then
    .venv/bin/rintik-api --config-file "$conf" &
    pids+=($!)
    echo "rintik-api (noauth) on http://127.0.0.1:8182/"
fi
.venv/bin/rintik-monitor --config-file "$conf" &
pids+=($!)
echo "rintik-monitor consuming notifications; logs in $state/rintik.log"
wait
