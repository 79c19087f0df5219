"""A TCP proxy the test owns, to take a shared server away for a while."""

import socket
import struct
import threading

import fixtures


def _reset(sock):
    """Close ``sock`` with a RST, as a dead network path looks. Shutting
    the reading side first wakes the pump blocked on it; the socket is
    released (and the RST sent) when that pump lets go of it."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass
    sock.close()


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class TCPProxy(fixtures.Fixture):
    """Forwards 127.0.0.1:``port`` to ``target``. ``interrupt()`` refuses
    new connections and resets the open ones until ``resume()``."""

    def __init__(self, target):
        super().__init__()
        self.target = target
        self.port = None
        self.connections = 0
        self._lock = threading.Lock()
        self._pairs = set()
        self._listener = None
        self._thread = None

    def _setUp(self):
        self.addCleanup(self.interrupt)
        self._listen()

    def _listen(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port or 0))
        listener.listen(64)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._accept,
                                        args=(listener,), daemon=True)
        self._thread.start()

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _reset(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            pair = (client, upstream)
            with self._lock:
                self._pairs.add(pair)
                self.connections += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump,
                                 args=(pair, source, sink),
                                 daemon=True).start()

    def _pump(self, pair, source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            if pair not in self._pairs:
                return  # interrupt() resets it
            self._pairs.discard(pair)
        for sock in pair:
            _close(sock)

    def interrupt(self):
        """Stop listening and reset every open connection."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
            self._thread.join()
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            for sock in pair:
                _reset(sock)

    def resume(self):
        """Accept connections again, on the same port."""
        if self._listener is None:
            self._listen()
