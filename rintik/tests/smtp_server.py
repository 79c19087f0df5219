"""A real SMTP server (aiosmtpd) on a free loopback port, for tests."""

import email
import email.policy
import socket

from aiosmtpd import controller
import fixtures


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        self.server.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.server.messages.append((
            envelope.mail_from, list(envelope.rcpt_tos),
            email.message_from_bytes(envelope.original_content,
                                     policy=email.policy.default)))
        return '250 OK'


class SMTPServer(fixtures.Fixture):
    """Accepts every message; ``messages`` holds (from, recipients,
    parsed message); ``greetings`` counts client connections (EHLO).
    ``port`` is fixed at creation, so stop() and start() again serve the
    same address."""

    def __init__(self):
        super().__init__()
        self.port = free_port()
        self.messages = []
        self.greetings = 0
        self._controller = None

    def _setUp(self):
        self.start()
        self.addCleanup(self.stop)

    def start(self):
        self._controller = controller.Controller(
            _Handler(self), hostname='127.0.0.1', port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
