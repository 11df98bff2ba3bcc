"""`docverify`: write claims from reality, fix drifted ones, print the vocabulary reference."""

from __future__ import annotations

from .main import main

__all__ = ["main"]
