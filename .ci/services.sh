#!/usr/bin/env bash
# Make sure RabbitMQ, MariaDB and PostgreSQL are installed and run on this
# machine, and that oslo.db's opportunistic test user and databases exist
# on both database servers. On a fresh Debian (or Ubuntu) machine the
# missing servers are installed with apt-get (as root, or through sudo).
# Services that already answer are left alone.
set -euo pipefail

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

wait_for() {  # name, command...
    local name=$1; shift
    for _ in $(seq 1 60); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 1
    done
    echo "$name did not come up" >&2
    return 1
}

missing=()
command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server mariadb-client)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} with apt-get"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}"
fi

if ! as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    echo "Starting RabbitMQ"
    as_root rabbitmq-server -detached || true
    wait_for RabbitMQ as_root rabbitmq-diagnostics -q ping
fi

if ! mysqladmin -h127.0.0.1 ping >/dev/null 2>&1; then
    echo "Starting MariaDB"
    as_root install -d -o mysql -g mysql /run/mysqld
    as_root start-stop-daemon --start --oknodo --background \
        --exec /usr/sbin/mariadbd -- --user=mysql
    wait_for MariaDB mysqladmin -h127.0.0.1 ping
fi

if ! pg_isready -h 127.0.0.1 -q; then
    echo "Starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect \
        "$(ls /etc/postgresql | sort -V | tail -1)" main start
    wait_for PostgreSQL pg_isready -h 127.0.0.1 -q
fi

# Administration through the local sockets: MariaDB's root and
# PostgreSQL's postgres authenticate there as the system users on a fresh
# install.
as_root mysql -uroot <<'SQL'
CREATE USER IF NOT EXISTS 'openstack_citest'@'localhost' IDENTIFIED BY 'openstack_citest';
CREATE USER IF NOT EXISTS 'openstack_citest'@'127.0.0.1' IDENTIFIED BY 'openstack_citest';
CREATE USER IF NOT EXISTS 'openstack_citest'@'%' IDENTIFIED BY 'openstack_citest';
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'%' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS openstack_citest;
FLUSH PRIVILEGES;
SQL

psql_admin() {
    as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q "$@"
}
psql_admin <<'SQL'
DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'openstack_citest') THEN
    CREATE ROLE openstack_citest LOGIN SUPERUSER PASSWORD 'openstack_citest';
  END IF;
END$$;
SQL
if ! psql_admin -tAc \
        "SELECT 1 FROM pg_database WHERE datname='openstack_citest'" | grep -q 1; then
    psql_admin -c 'CREATE DATABASE openstack_citest OWNER openstack_citest'
fi
echo "Services ready: RabbitMQ, MariaDB, PostgreSQL (openstack_citest)"
