"""Notifications of money events: the notification centre's records and
their e-mail, sent from an outbox by ``rintik-manage notification send``."""
