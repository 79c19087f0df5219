#!/bin/bash
# Grenade: upgrade Rintik to the target release. The database is
# migrated and checked with rintik-status before the services restart.

echo "*********************************************************************"
echo "Begin $0"
echo "*********************************************************************"

function cleanup {
    set +o errexit
    echo "*********************************************************************"
    echo "ERROR: Abort $0"
    echo "*********************************************************************"
    # Kill ourselves to signal any calling process
    trap 2; kill -2 $$
}

trap cleanup SIGHUP SIGINT SIGTERM

RUN_DIR=$(cd $(dirname "$0") && pwd)

source $GRENADE_DIR/grenaderc
source $GRENADE_DIR/functions

# Stop on the first error so that errors do not compound.
set -o errexit

RINTIK_DEVSTACK_DIR=$(dirname $(dirname $0))

source $TARGET_DEVSTACK_DIR/functions
source $TARGET_DEVSTACK_DIR/stackrc
source $TARGET_DEVSTACK_DIR/lib/apache
source $RINTIK_DEVSTACK_DIR/settings

set -o xtrace

# Keep the base release's configuration.
[[ -d $SAVE_DIR/etc.rintik ]] || cp -pr $RINTIK_CONF_DIR $SAVE_DIR/etc.rintik

# Install the target release.
source $RINTIK_DEVSTACK_DIR/plugin.sh stack install

upgrade_project rintik $RUN_DIR $BASE_DEVSTACK_BRANCH $TARGET_DEVSTACK_BRANCH

$RINTIK_BIN_DIR/rintik-manage --config-file $RINTIK_CONF db sync || \
    die $LINENO "rintik-manage db sync failed"
# Exit status 1 is a warning (for example unpriced flavors): go on.
$RINTIK_BIN_DIR/rintik-status --config-file $RINTIK_CONF upgrade check || \
    [[ $? -eq 1 ]] || die $LINENO "rintik-status upgrade check failed"

start_rintik

ensure_services_started rintik-monitor rintik-api

set +o xtrace
echo "*********************************************************************"
echo "SUCCESS: End $0"
echo "*********************************************************************"
