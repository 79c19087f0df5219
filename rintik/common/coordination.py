"""Locks shared by Rintik's hosts (tooz), held for as long as a job runs.

With MariaDB/MySQL or PostgreSQL the lock is the database's own advisory
lock (``GET_LOCK`` / ``pg_try_advisory_lock``) on a connection of its
own: it lasts however long the job runs and is freed when the host or
process dies. An SQLite deployment is one host: a file lock under
``$state_path/locks``.
"""

import contextlib
import os
import socket
import uuid

import sqlalchemy as sa
from tooz import coordination

# tooz driver of each SQLAlchemy backend.
_DRIVERS = {'mysql': 'mysql', 'postgresql': 'postgresql'}


def backend_url(conf):
    """[coordination] backend_url, else one derived from [database]
    connection."""
    if conf.coordination.backend_url:
        return conf.coordination.backend_url
    url = sa.engine.make_url(conf.database.connection)
    driver = _DRIVERS.get(url.get_backend_name())
    if driver is None:
        return 'file://' + os.path.join(conf.state_path, 'locks')
    query = {key: value for key, value in url.query.items()
             if key == 'unix_socket'}
    return url.set(drivername=driver, query=query).render_as_string(
        hide_password=False)


@contextlib.contextmanager
def exclusive(conf, name):
    """Hold the lock ``name`` while the block runs; yields whether it was
    taken (False: another run holds it, in this process, on this host or
    another; the caller skips its turn)."""
    member = ('%s-%s' % (socket.gethostname(), uuid.uuid4().hex)).encode()
    coordinator = coordination.get_coordinator(backend_url(conf), member)
    coordinator.start()
    try:
        lock = coordinator.get_lock(('rintik-%s' % name).encode())
        if not lock.acquire(blocking=False):
            yield False
            return
        try:
            yield True
        finally:
            lock.release()
    finally:
        coordinator.stop()
