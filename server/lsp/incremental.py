"""Checking after an edit."""

from __future__ import annotations

from .checker import full_check


def check(od, settings, selection):
    return full_check(od, settings, selection)
