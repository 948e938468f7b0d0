"""The services against in-memory adapters (tests/support/memory.py): a fresh Runtime per
test, built in milliseconds, with no server behind it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotline.runtime import Runtime
from tests.conftest import make_settings
from tests.support.desk import desk_on_call
from tests.support.memory import Memory, memory_runtime


@pytest.fixture
def memory() -> Iterator[Memory]:
    built = memory_runtime(make_settings())
    yield built
    built.close()


@pytest.fixture
def runtime(memory: Memory) -> Runtime:
    return memory.runtime


@pytest.fixture
def on_call(runtime: Runtime) -> dict[str, str]:
    """The desk's three counselors available; their ids by name."""
    return desk_on_call(runtime)
