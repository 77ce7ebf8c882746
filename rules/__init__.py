"""The rules: one module per code. See :mod:`aiblint.rule` for what a rule module defines."""
