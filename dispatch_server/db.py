"""The SQLite file: opening it, and its schema, versioned with PRAGMA user_version."""

from __future__ import annotations

import os
from pathlib import Path
import sqlite3

MEMORY = ":memory:"

# One entry per schema version: MIGRATIONS[n] takes a database from version n to n + 1.
# Append new steps; never edit a step that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE tenants (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        key_sha256 TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        registration TEXT NOT NULL,
        callback_url TEXT,
        webhook_secret TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE alerts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        site_id TEXT NOT NULL REFERENCES sites(id),
        request TEXT NOT NULL,
        status TEXT NOT NULL,
        kind TEXT NOT NULL,
        urgency TEXT NOT NULL,
        responder TEXT,
        outcome TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('site', 'responder')),
        actor TEXT,
        body TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX events_by_alert ON events(alert_id, seq);
    CREATE TABLE idempotency (
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        path TEXT NOT NULL,
        key TEXT NOT NULL,
        body_sha256 TEXT NOT NULL,
        reply TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, path, key)
    );
    CREATE TABLE deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        body TEXT NOT NULL,
        status INTEGER,
        at TEXT NOT NULL
    );
    CREATE TABLE responders (
        id INTEGER PRIMARY KEY,
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        all_sites INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE responder_sites (
        responder_id INTEGER NOT NULL REFERENCES responders(id) ON DELETE CASCADE,
        site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        PRIMARY KEY (responder_id, site_id)
    );
    CREATE TABLE sign_in_links (
        token_sha256 TEXT PRIMARY KEY,
        responder_id INTEGER NOT NULL REFERENCES responders(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_sha256 TEXT PRIMARY KEY,
        responder_id INTEGER NOT NULL REFERENCES responders(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        alert_id TEXT,
        detail TEXT,
        remote TEXT
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(RuntimeError):
    """The file was written by a newer version of the server."""


def connect(path: str) -> sqlite3.Connection:
    """Open (creating if need be) and migrate the database; owner-only file permissions."""
    if path != MEMORY and not Path(path).exists():
        # It holds webhook secrets and, past the release point, people's addresses.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    # Used from one thread (the event loop's); the check is off only so that a store dropped
    # without close() can be closed by the garbage collector on whichever thread runs it.
    db = sqlite3.connect(path, autocommit=True, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    if path != MEMORY:
        # WAL lets the command line write while the server runs; FULL makes every answered
        # write survive a power cut (an alert the site was told about must not vanish).
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
    try:
        _migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _migrate(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        version: int = db.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"the database is at schema version {version}; this server knows up to {SCHEMA_VERSION}"
        )
