"""Formats integer cents as money."""

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def format_money(cents, currency):
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{whole:,}.{frac:02d}"
