"""Encrypted, consistent backups of the whole database, and restoring them."""
