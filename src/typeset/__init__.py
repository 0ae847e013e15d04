"""typeset: Chinese newspaper pages from an issue manifest to print-ready PDF."""

__version__ = "0.1.0"
