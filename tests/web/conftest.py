"""Staff pages' fixtures: users with web passwords, a logged-in page per role."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from tests.web.page import PASSWORDS, Page
from trace.db.models import User

# The tests' users get PBKDF2 hashes with few rounds: checked in a millisecond at every login.
# (The service hashes with scrypt, ~0.1 s a check; test_web_access checks that path.)
QUICK = {role: generate_password_hash(pw, "pbkdf2:sha256:1000") for role, pw in PASSWORDS.items()}


@pytest.fixture
def staff(engine, tokens):
    """admin-1, worker-1, inspector-1 (the API fixtures' users) with web passwords."""
    with engine.begin() as conn:
        for role, quick in QUICK.items():
            conn.execute(update(User).where(User.name == f"{role}-1").values(password_hash=quick))
    return tokens


@pytest.fixture
def as_(client, staff):
    """`as_("worker")`: a Page logged in with that role (each its own cookie jar)."""

    def login(role: str) -> Page:
        return Page(client.application.test_client()).login(role)

    return login
