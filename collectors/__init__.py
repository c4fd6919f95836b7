"""Collectors: pull records from a source on a schedule into a data set, through the write API's
validation (ingest.records.validate_records) and storage (data_access.records.store_records).

- sources.py: fetch one source kind and map its answer to record dicts (no SQL);
- schedule.py: slots and retry back-off (pure);
- secrets.py: credentials encrypted with Fernet;
- runner.py: claim a run's slot, fetch, validate, store (all or nothing), record the run;
- scheduler.py: APScheduler wakes every minute and runs the due collectors;
- cli.py: `manage.py collect ...`.
"""
