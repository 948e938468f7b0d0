"""A development double of what the hotline talks to; see the package docstring."""
