"""Resetting the billing state (reset_billing, reset_transaction_data)."""

from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import ratecard as db_ratecard
from rintik.db import rating_state
from rintik.db import settings as db_settings


def reset(context, keep_prices):
    """Wipe projects, invoices, balances, notifications and billing
    windows (and prices unless kept). Metered usage and settings stay."""
    with main_context_manager.writer.using(context):
        db_invoices.delete_billing_state(context)
        db_settings.delete_windows(context)
        rating_state.forget_issued(context)
        if not keep_prices:
            db_ratecard.delete_all(context)
