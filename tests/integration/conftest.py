"""Fixtures shared by the integration tests (the dispatch desk: a roster on call, telephony
recorded, the signed webhooks through a test client)."""

from tests.integration.test_dispatch import desk

__all__ = ["desk"]
