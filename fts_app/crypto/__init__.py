"""Envelope encryption: master keys wrap per-case data keys that encrypt case content."""
