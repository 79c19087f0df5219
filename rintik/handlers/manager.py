"""Loading the enabled handler plugins and finding the one for an event."""

from stevedore import extension
from stevedore import named

NAMESPACE = 'rintik.handlers'


class HandlerSet:
    """The enabled handlers of ``[notification] enabled_handlers``."""

    def __init__(self, conf):
        manager = named.NamedExtensionManager(
            NAMESPACE, names=conf.notification.enabled_handlers,
            invoke_on_load=True, invoke_args=(conf,),
            name_order=True, on_missing_entrypoints_callback=self._missing)
        self.handlers = [(ext.name, ext.obj) for ext in manager]

    @staticmethod
    def _missing(names):
        raise RuntimeError('Unknown notification handler(s) in '
                           '[notification] enabled_handlers: %s'
                           % ', '.join(sorted(names)))

    def handler_for(self, event_type):
        """The handler of ``event_type``, or None when no one bills it."""
        for _name, handler in self.handlers:
            if handler.handles(event_type):
                return handler
        return None

    def extra_targets(self):
        """(exchange, topic) pairs that handlers need beyond the config."""
        targets = []
        for _name, handler in self.handlers:
            targets.extend(handler.extra_targets())
        return targets


def available_handlers():
    """Names of every installed handler plugin."""
    return sorted(ext.name for ext in extension.ExtensionManager(NAMESPACE))
