"""rawi: who said what, who reported it, and who copied whom, in Arabic news."""

__version__ = "0.1.0"
