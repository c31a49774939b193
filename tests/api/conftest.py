"""Fixtures of the API and page tests."""
from __future__ import annotations

import pytest

from tests.support import logged_in


@pytest.fixture
def designer(app):
    """The process designer logged in to the pages."""
    return logged_in(app, "designer1")
