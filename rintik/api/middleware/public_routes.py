"""Let the public paths skip authentication."""


class PublicRoutes:
    """Send the paths in ``public_paths`` (with or without a trailing
    slash) straight to ``application``, every other request to
    ``protected`` (the application behind keystonemiddleware)."""

    def __init__(self, application, protected, public_paths):
        self.application = application
        self.protected = protected
        self.public_paths = frozenset(path.rstrip('/')
                                      for path in public_paths)

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '').rstrip('/') in self.public_paths:
            return self.application(environ, start_response)
        return self.protected(environ, start_response)
