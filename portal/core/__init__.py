"""Helpers shared by every feature: i18n, time formatting, htmx rendering, assets, errors."""
