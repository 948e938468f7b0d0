"""Hotline: a call router for 24-hour crisis hotlines."""

__version__ = "0.1.0"
