"""Operators. Importing them is cheap: no HTTP, SOAP, XML or phone-number library at module level."""
