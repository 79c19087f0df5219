#!/usr/bin/env bash
# The one command that runs Rintik's test suites on a fresh machine:
# starts the services the functional tests use (RabbitMQ, MariaDB,
# PostgreSQL, with oslo.db's openstack_citest user), installs tox in
# .venv-tools and runs the unit tests, the functional tests and pep8.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/services.sh
if [ ! -x .venv-tools/bin/tox ]; then
    python3 -m venv .venv-tools
    .venv-tools/bin/pip install -q --upgrade pip
    .venv-tools/bin/pip install -q 'tox>=4'
fi
# The recorded notifications: ../shared beside the checkout, or beside the
# repository this clone was made from.
if [ -z "${RINTIK_NOTIFICATION_FIXTURES:-}" ]; then
    RINTIK_NOTIFICATION_FIXTURES=$(cd .. && pwd)/shared/fixtures/notifications
    origin=$(git config --get remote.origin.url || true)
    if [ ! -d "$RINTIK_NOTIFICATION_FIXTURES" ] && [ -d "$origin" ]; then
        RINTIK_NOTIFICATION_FIXTURES=$(cd "$origin/.." && pwd)/shared/fixtures/notifications
    fi
fi
export RINTIK_NOTIFICATION_FIXTURES
exec .venv-tools/bin/tox -e "${TOX_ENVS:-py3,functional,pep8}" "$@"
