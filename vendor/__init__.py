"""Third-party files the app serves as they were published (each folder's README says from where)."""
