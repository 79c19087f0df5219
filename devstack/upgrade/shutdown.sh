#!/bin/bash
# Grenade: stop Rintik's services of the base release.

set -o errexit

source $GRENADE_DIR/grenaderc
source $GRENADE_DIR/functions

source $BASE_DEVSTACK_DIR/functions
source $BASE_DEVSTACK_DIR/stackrc
source $BASE_DEVSTACK_DIR/lib/apache

RINTIK_DEVSTACK_DIR=$(dirname $(dirname $0))
source $RINTIK_DEVSTACK_DIR/settings
source $RINTIK_DEVSTACK_DIR/plugin.sh

set -o xtrace

stop_rintik

ensure_services_stopped rintik-monitor rintik-api
