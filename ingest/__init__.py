"""Turning what services send (JSON bodies, CSV and Excel files) into valid records. No SQL, no Flask."""
