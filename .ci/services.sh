#!/usr/bin/env bash
# Make sure RabbitMQ, MariaDB and PostgreSQL run on this machine and that
# oslo.db's opportunistic test user and databases exist on both servers.
set -euo pipefail

wait_for() {  # name, command...
    local name=$1; shift
    for _ in $(seq 1 60); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 1
    done
    echo "$name did not come up" >&2
    return 1
}

if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    echo "Starting RabbitMQ"
    rabbitmq-server -detached || true
    wait_for RabbitMQ rabbitmq-diagnostics -q ping
fi

if ! mysqladmin -uroot -h127.0.0.1 ping >/dev/null 2>&1; then
    echo "Starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_for MariaDB mysqladmin -uroot -h127.0.0.1 ping
fi

if ! pg_isready -h 127.0.0.1 -q; then
    echo "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    wait_for PostgreSQL pg_isready -h 127.0.0.1 -q
fi

mysql -uroot -h127.0.0.1 <<'SQL'
CREATE USER IF NOT EXISTS 'openstack_citest'@'localhost' IDENTIFIED BY 'openstack_citest';
CREATE USER IF NOT EXISTS 'openstack_citest'@'127.0.0.1' IDENTIFIED BY 'openstack_citest';
CREATE USER IF NOT EXISTS 'openstack_citest'@'%' IDENTIFIED BY 'openstack_citest';
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'%' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS openstack_citest;
FLUSH PRIVILEGES;
SQL

psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q <<'SQL'
DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'openstack_citest') THEN
    CREATE ROLE openstack_citest LOGIN SUPERUSER PASSWORD 'openstack_citest';
  END IF;
END$$;
SQL
if ! psql -h 127.0.0.1 -U postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='openstack_citest'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres -O openstack_citest openstack_citest
fi
echo "Services ready: RabbitMQ, MariaDB, PostgreSQL (openstack_citest)"
