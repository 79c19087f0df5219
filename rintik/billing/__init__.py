"""Pure rating and invoice arithmetic (standard library and Decimal only)."""
