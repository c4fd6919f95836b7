"""Collector credentials (API tokens...) encrypted with Fernet before they reach the database.

The key: COLLECTOR_SECRET_KEY (a Fernet key; set the same one on every machine), else a key kept
in instance/collector_secret_key, created once with mode 0600 (like admin.secret_key).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from data_access.db import PROJECT_ROOT

KEY_FILE = PROJECT_ROOT / "instance" / "collector_secret_key"


class SecretError(ValueError):
    """Credentials that cannot be decrypted (another key, or damaged)."""


def secret_key(path: Path = KEY_FILE) -> bytes:
    if os.environ.get("COLLECTOR_SECRET_KEY"):
        return os.environ["COLLECTOR_SECRET_KEY"].encode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: only the first process writes it; 0600 from the start, never readable by others
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(Fernet.generate_key().decode("ascii"))
    return path.read_text(encoding="ascii").strip().encode("ascii")


def encrypt(credentials: dict, key: bytes | None = None) -> str:
    return Fernet(key or secret_key()).encrypt(json.dumps(credentials).encode("utf-8")).decode("ascii")


def decrypt(token: str, key: bytes | None = None) -> dict:
    try:
        return json.loads(Fernet(key or secret_key()).decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError):
        raise SecretError("the collector's credentials cannot be decrypted with this key "
                          "(COLLECTOR_SECRET_KEY changed?): enter them again") from None
