"""Figures, tables and layout pieces built from plain data frames. No SQL here."""
