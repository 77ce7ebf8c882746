"""aiblint: a linter and language server for Azure VM Image Builder templates."""

__version__ = "0.1.0"
