"""Rating and invoicing: the rate card, settings and the pure maths of
rintik.billing brought together over the database."""
