"""``rintik-monitor`` and ``rintik-manage`` run as real processes."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import fixtures

BIN = os.path.dirname(sys.executable)
LISTENING = 'Listening in pool'
BATCH = re.compile(r'Batch of (\d+):')
REQUEUED = re.compile(r'requeueing', re.IGNORECASE)


def write_config(path, sections):
    """An oslo.config file from ``{section: {option: value}}``."""
    with open(path, 'w', encoding='utf-8') as stream:
        for section, options in sections.items():
            stream.write('[%s]\n' % section)
            for key, value in options.items():
                stream.write('%s = %s\n' % (key, value))


def manage(config_file, *args, as_json=True):
    """Run ``rintik-manage`` and return its JSON output (its printed text
    for a command without ``--format`` when ``as_json`` is False)."""
    result = subprocess.run(
        [os.path.join(BIN, 'rintik-manage'), '--config-file', config_file]
        + list(args) + (['--format', 'json'] if as_json else []),
        capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise AssertionError('rintik-manage %s failed (%d): %s' % (
            ' '.join(args), result.returncode, result.stderr[-4000:]))
    return json.loads(result.stdout) if as_json else result.stdout


class Monitor(fixtures.Fixture):
    """One ``rintik-monitor`` process (and its workers) with its own
    config file and log, stopped (SIGTERM, then SIGKILL) at cleanup."""

    def __init__(self, directory, name, sections, workers=1):
        super().__init__()
        self.name = name
        self.workers = workers
        self.config_file = os.path.join(directory, name + '.conf')
        self.log_file = os.path.join(directory, name + '.log')
        self.out_file = os.path.join(directory, name + '.out')
        sections = {key: dict(value) for key, value in sections.items()}
        sections.setdefault('DEFAULT', {}).update(
            debug='True', log_file=self.log_file)
        sections.setdefault('notification', {})['workers'] = workers
        write_config(self.config_file, sections)
        self.process = None

    def _setUp(self):
        self.addCleanup(self.stop)
        self.start()

    def start(self, timeout=60):
        """Start the process and wait until every worker consumes."""
        before = self._count(LISTENING)
        with open(self.out_file, 'ab') as out:
            self.process = subprocess.Popen(
                [os.path.join(BIN, 'rintik-monitor'), '--config-file',
                 self.config_file], stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + timeout
        while self._count(LISTENING) < before + self.workers:
            if self.process.poll() is not None:
                raise AssertionError('%s exited with %s:\n%s' % (
                    self.name, self.process.returncode, self.tail()))
            if time.monotonic() > deadline:
                raise AssertionError('%s not listening after %ss:\n%s' % (
                    self.name, timeout, self.tail()))
            time.sleep(0.1)

    def kill(self):
        """SIGKILL the whole process group, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout=30):
        """Graceful stop: SIGTERM, SIGKILL after ``timeout``."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        else:
            # Workers outliving their parent must not linger.
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log(self):
        try:
            with open(self.log_file, encoding='utf-8',
                      errors='replace') as stream:
                return stream.read()
        except FileNotFoundError:
            return ''

    def _count(self, text):
        return self.log().count(text)

    def handled(self):
        """Notifications handed to Rintik's endpoint and committed."""
        return sum(int(n) for n in BATCH.findall(self.log()))

    def requeues(self):
        return len(REQUEUED.findall(self.log()))

    def tail(self, size=6000):
        try:
            with open(self.out_file, encoding='utf-8',
                      errors='replace') as stream:
                out = stream.read()[-size:]
        except FileNotFoundError:
            out = ''
        return 'log:\n%s\noutput:\n%s' % (self.log()[-size:], out)
