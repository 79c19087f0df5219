"""A connection to the [smtp] server."""

import smtplib
import ssl


def connect(conf):
    """An SMTP connection, encrypted and logged in as [smtp] says."""
    options = conf.smtp
    if options.security == 'tls':
        server = smtplib.SMTP_SSL(options.host, options.port,
                                  timeout=options.timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(options.host, options.port,
                              timeout=options.timeout)
    try:
        if options.security == 'starttls':
            server.starttls(context=ssl.create_default_context())
        if options.user:
            server.login(options.user, options.password or '')
    except BaseException:
        server.close()
        raise
    return server
