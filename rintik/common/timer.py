"""A timer thread that runs a job every few seconds until stopped (the
monitor's periodic reconciliation and live totals refresh)."""

import threading


class PeriodicTimer:
    """Runs ``run_once`` every ``interval()`` seconds in a daemon thread
    named ``name``; an interval of 0 leaves the timer off."""

    name = 'rintik-timer'

    def __init__(self, conf):
        self.conf = conf
        self.stopped = threading.Event()
        self.thread = None

    def interval(self):
        raise NotImplementedError

    def run_once(self):
        raise NotImplementedError

    def start(self):
        """Start the timer unless its interval is 0."""
        if self.interval() <= 0:
            return
        self.stopped.clear()
        self.thread = threading.Thread(target=self._loop, daemon=True,
                                       name=self.name)
        self.thread.start()

    def stop(self):
        """Stop the timer; a run in progress finishes first."""
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def _loop(self):
        while not self.stopped.wait(self.interval()):
            self.run_once()
