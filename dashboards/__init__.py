"""Self-service dashboards: their configuration (the original platform's JSON format), its
validation by the module schemas, and the data-API query each module runs. No SQL, no Dash."""
