#!/bin/bash
# DevStack plugin of Rintik: installs it, makes the producing services
# notify before they start, configures Rintik against DevStack's database,
# RabbitMQ and Keystone, and runs rintik-monitor and rintik-api (uWSGI).
#
# Phases (stack.sh): Keystone is configured before "install" and started
# after it; Nova, Cinder, Neutron and Glance are configured before
# "post-config" and started after it. Each producer's notification
# settings are therefore written in the last phase before it starts.

RINTIK_BIN_DIR=$(get_python_exec_prefix)

function rintik_service_url {
    echo "$RINTIK_SERVICE_PROTOCOL://$RINTIK_SERVICE_HOST/billing"
}

function install_rintik {
    setup_develop $RINTIK_DIR
    sudo install -d -o $STACK_USER $RINTIK_CONF_DIR $RINTIK_STATE_PATH
}

# Make the service configured in file $1 publish notifications on
# Rintik's topic, keeping the topics it already notifies on.
function rintik_notify_from {
    local conf=$1
    local topics

    [[ -f $conf ]] || return 0
    topics=$(iniget $conf oslo_messaging_notifications topics)
    if [[ ! ",$topics," =~ ,$RINTIK_NOTIFICATION_TOPIC, ]]; then
        topics=${topics:+$topics,}$RINTIK_NOTIFICATION_TOPIC
    fi
    iniset $conf oslo_messaging_notifications driver messagingv2
    iniset $conf oslo_messaging_notifications topics "$topics"
    iniset $conf oslo_messaging_rabbit amqp_durable_queues \
        $RINTIK_DURABLE_QUEUES
}

# Keystone: configured already, started right after the install phase.
function configure_rintik_keystone_notifications {
    rintik_notify_from $KEYSTONE_CONF
}

# Nova (with its cell conductors; nova-compute's nova-cpu.conf is copied
# from nova.conf when it starts), Cinder, Neutron and Glance.
function configure_rintik_notifications {
    local conf
    for conf in $NOVA_CONF $NOVA_CONF_DIR/nova_cell*.conf $CINDER_CONF \
            $NEUTRON_CONF $GLANCE_API_CONF; do
        rintik_notify_from $conf
    done
    if [[ -f $NOVA_CONF ]]; then
        # Rintik bills instances from the legacy compute.instance.*
        # notifications ([notification] nova_format = unversioned); a Nova
        # already emitting versioned ones emits both.
        local format
        format=$(iniget $NOVA_CONF notifications notification_format)
        if [[ "$format" == "versioned" || "$format" == "both" ]]; then
            format=both
        else
            format=unversioned
        fi
        iniset $NOVA_CONF notifications notification_format $format
        iniset $NOVA_CONF notifications notify_on_state_change \
            vm_and_task_state
    fi
}

function configure_rintik {
    iniset $RINTIK_CONF DEFAULT state_path $RINTIK_STATE_PATH
    iniset $RINTIK_CONF DEFAULT debug $ENABLE_DEBUG_LOG_LEVEL
    iniset_rpc_backend rintik $RINTIK_CONF
    iniset $RINTIK_CONF oslo_messaging_rabbit amqp_durable_queues \
        $RINTIK_DURABLE_QUEUES
    iniset $RINTIK_CONF database connection $(database_connection_url rintik)
    iniset $RINTIK_CONF notification workers $RINTIK_WORKERS
    iniset $RINTIK_CONF notification pool_name rintik
    iniset $RINTIK_CONF notification topics $RINTIK_NOTIFICATION_TOPIC
    iniset $RINTIK_CONF api auth_strategy keystone
    configure_keystone_authtoken_middleware $RINTIK_CONF rintik

    write_uwsgi_config "$RINTIK_UWSGI_CONF" "$RINTIK_UWSGI" "/billing" "" \
        "rintik-api"
    iniset "$RINTIK_UWSGI_CONF" uwsgi env \
        "OS_RINTIK_CONFIG_FILES=$RINTIK_CONF"
}

function create_rintik_accounts {
    create_service_user "rintik" "admin"
    get_or_create_service "rintik" "$RINTIK_SERVICE_TYPE" \
        "Rintik billing service"
    get_or_create_endpoint "$RINTIK_SERVICE_TYPE" "$REGION_NAME" \
        "$(rintik_service_url)"
}

function init_rintik {
    recreate_database rintik
    $RINTIK_BIN_DIR/rintik-manage --config-file $RINTIK_CONF db sync
}

function start_rintik {
    local uwsgi
    uwsgi=$(which uwsgi)
    run_process rintik-monitor \
        "$RINTIK_BIN_DIR/rintik-monitor --config-file $RINTIK_CONF"
    run_process rintik-api \
        "$uwsgi --procname-prefix rintik-api --ini $RINTIK_UWSGI_CONF"
    if is_service_enabled rintik-api; then
        echo "Waiting for rintik-api to answer..."
        if ! wait_for_service $SERVICE_TIMEOUT \
                "$(rintik_service_url)/healthcheck"; then
            die $LINENO "rintik-api did not start"
        fi
    fi
}

function stop_rintik {
    stop_process rintik-monitor
    stop_process rintik-api
}

function cleanup_rintik {
    remove_uwsgi_config "$RINTIK_UWSGI_CONF" "rintik-api"
    sudo rm -rf $RINTIK_CONF_DIR $RINTIK_STATE_PATH
}

if is_service_enabled rintik-monitor rintik-api; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing Rintik"
        install_rintik
        configure_rintik_keystone_notifications
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring Rintik"
        configure_rintik_notifications
        configure_rintik
        create_rintik_accounts
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Initialising and starting Rintik"
        init_rintik
        start_rintik
    fi
    if [[ "$1" == "unstack" ]]; then
        stop_rintik
    fi
    if [[ "$1" == "clean" ]]; then
        cleanup_rintik
    fi
fi
