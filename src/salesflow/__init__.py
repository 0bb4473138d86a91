"""salesflow: a standardized B2B sales process in the terminal."""

__version__ = "0.1.0"
