#!/bin/bash
# Grenade: a price created on the base release must survive the upgrade.

set -o errexit

source $GRENADE_DIR/grenaderc
source $GRENADE_DIR/functions
source $TOP_DIR/openrc admin

RINTIK_DEVSTACK_DIR=$(dirname $(dirname $0))
source $RINTIK_DEVSTACK_DIR/settings

set -o xtrace

RINTIK_GRENADE_FLAVOR=grenade.rintik
RINTIK_MANAGE="rintik-manage --config-file $RINTIK_CONF"

function create {
    $RINTIK_MANAGE price set flavor $RINTIK_GRENADE_FLAVOR --hourly 0.0125
    echo "Rintik create: SUCCESS"
}

function verify_noapi {
    $RINTIK_MANAGE price history flavor $RINTIK_GRENADE_FLAVOR \
        --format json | grep -q '"0.0125'
    echo "Rintik verify_noapi: SUCCESS"
}

function verify {
    verify_noapi
    curl --fail --silent --show-error \
        "$RINTIK_SERVICE_PROTOCOL://$RINTIK_SERVICE_HOST/billing/healthcheck"
    echo "Rintik verify: SUCCESS"
}

function destroy {
    # Prices are history: nothing to remove.
    echo "Rintik destroy: SUCCESS"
}

case $1 in
    "create")
        create
        ;;
    "verify_noapi")
        verify_noapi
        ;;
    "verify")
        verify
        ;;
    "destroy")
        destroy
        ;;
    "force_destroy")
        set +o errexit
        destroy
        ;;
esac
