#!/bin/bash
# Stand-ins for the DevStack functions Rintik's plugin calls. Each records
# its name and arguments, tab-separated, one call a line, in $STUB_LOG;
# iniset and iniget edit real files (through ini.py) so that the test can
# read what the plugin wrote. Nothing runs as root and nothing is started.

STUB_DIR=$(cd $(dirname ${BASH_SOURCE[0]}) && pwd)

function stub_record {
    local IFS=$'\t'
    echo "$*" >> $STUB_LOG
}

function trueorfalse {
    local default=$1
    local value=${!2:-$default}
    if [[ ${value,,} =~ ^(true|yes|1|on)$ ]]; then
        echo True
    else
        echo False
    fi
}

function get_python_exec_prefix {
    echo $STUB_BIN
}

function is_service_enabled {
    local service
    for service in "$@"; do
        [[ ,$ENABLED_SERVICES, =~ ,$service, ]] && return 0
    done
    return 1
}

function iniset {
    stub_record iniset "$@"
    python3 -I -S $STUB_DIR/ini.py set "$@"
}

function iniget {
    python3 -I -S $STUB_DIR/ini.py get "$@"
}

function database_connection_url {
    echo "mysql+pymysql://root:secret@127.0.0.1/$1?charset=utf8"
}

function iniset_rpc_backend {
    stub_record iniset_rpc_backend "$@"
    iniset $2 DEFAULT transport_url "rabbit://stackrabbit:secret@127.0.0.1:5672/"
}

function which {
    echo /usr/local/bin/$1
}

for stub_name in enable_service echo_summary setup_develop sudo \
        configure_keystone_authtoken_middleware write_uwsgi_config \
        create_service_user get_or_create_service get_or_create_endpoint \
        recreate_database run_process wait_for_service die stop_process \
        remove_uwsgi_config; do
    eval "function $stub_name { stub_record $stub_name \"\$@\"; }"
done
