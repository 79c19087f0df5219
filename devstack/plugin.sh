#!/bin/bash
# DevStack plugin of Rintik: installs it, configures it against DevStack's
# database, RabbitMQ and Keystone, makes the producing services emit
# notifications, and runs rintik-monitor and rintik-api.

function install_rintik {
    setup_develop $RINTIK_DIR
}

function configure_rintik {
    sudo install -d -o $STACK_USER $RINTIK_CONF_DIR $RINTIK_STATE_PATH
    iniset $RINTIK_CONF DEFAULT state_path $RINTIK_STATE_PATH
    iniset $RINTIK_CONF DEFAULT debug $ENABLE_DEBUG_LOG_LEVEL
    iniset_rpc_backend rintik $RINTIK_CONF
    iniset $RINTIK_CONF database connection \
        $(database_connection_url rintik)
    iniset $RINTIK_CONF notification workers $RINTIK_WORKERS
    iniset $RINTIK_CONF api port $RINTIK_SERVICE_PORT
    iniset $RINTIK_CONF api auth_strategy keystone
    configure_keystone_authtoken_middleware $RINTIK_CONF rintik

    # The producing services must notify on the topic Rintik consumes.
    local conf
    for conf in $NOVA_CONF $CINDER_CONF $NEUTRON_CONF $GLANCE_API_CONF \
            $KEYSTONE_CONF; do
        if [[ -f $conf ]]; then
            iniset $conf oslo_messaging_notifications driver messagingv2
            iniset $conf oslo_messaging_notifications topics notifications
        fi
    done
    if [[ -f $NOVA_CONF ]]; then
        iniset $NOVA_CONF notifications notification_format unversioned
        iniset $NOVA_CONF notifications notify_on_state_change vm_and_task_state
    fi
}

function create_rintik_accounts {
    create_service_user "rintik" "admin"
    get_or_create_service "rintik" "billing" "Rintik billing service"
    get_or_create_endpoint "billing" "$REGION_NAME" \
        "$SERVICE_PROTOCOL://$RINTIK_SERVICE_HOST:$RINTIK_SERVICE_PORT/"
}

function init_rintik {
    recreate_database rintik
    $RINTIK_BIN_DIR/rintik-manage --config-file $RINTIK_CONF db sync
}

function start_rintik {
    run_process rintik-monitor \
        "$RINTIK_BIN_DIR/rintik-monitor --config-file $RINTIK_CONF"
    run_process rintik-api \
        "$RINTIK_BIN_DIR/rintik-api --config-file $RINTIK_CONF"
}

function stop_rintik {
    stop_process rintik-monitor
    stop_process rintik-api
}

RINTIK_BIN_DIR=$(get_python_exec_prefix)

if is_service_enabled rintik-monitor rintik-api; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing Rintik"
        install_rintik
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring Rintik"
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
        sudo rm -rf $RINTIK_CONF_DIR $RINTIK_STATE_PATH
    fi
fi
