#!/usr/bin/env bash
# The one command that runs Rintik's test suites on a fresh machine:
# installs and starts the services the functional tests use (RabbitMQ,
# MariaDB, PostgreSQL, with oslo.db's openstack_citest user), installs tox
# in .venv-tools and runs each tox environment of $TOX_ENVS (default: the
# unit tests, the functional tests, pep8 and the docs and release notes
# builds) even when one fails.
#
# The run ends with one line, "N passed, N failed, N skipped", over every
# environment: a stestr environment counts its tests (its last stestr
# run: success and expected failure pass, failure and unexpected success
# fail); any other environment (pep8, docs...) counts as one test, passed
# or failed by its exit status; an environment that fails with no failed
# test (it could not install, say) adds one failure. The exit status is
# non-zero when anything failed. Arguments go to every tox command.
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

next_run() {
    cat .stestr/next-stream 2>/dev/null || echo none
}

# "passed failed skipped" of the last stestr run, from its subunit stream.
stestr_counts() {  # env
    local bin=.tox/$1/bin
    { "$bin/stestr" last --subunit || true; } | "$bin/subunit2csv" |
        python3 tools/stestr_counts.py
}

IFS=, read -ra envs <<< "${TOX_ENVS:-py3,functional,pep8,docs,releasenotes}"
passed=0 failed=0 skipped=0
for env in "${envs[@]}"; do
    before=$(next_run)
    status=0
    .venv-tools/bin/tox -e "$env" "$@" || status=$?
    if [ "$(next_run)" != "$before" ]; then
        read -r p f s < <(stestr_counts "$env")
    elif [ "$status" = 0 ]; then
        p=1 f=0 s=0
    else
        p=0 f=0 s=0
    fi
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then
        f=1
    fi
    echo "$env: $p passed, $f failed, $s skipped"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
