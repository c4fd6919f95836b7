"""The data API over HTTP: write (api/write.py), read (api/read.py), health (api/status.py).
Each view only glues parsing (ingest/, query/) to storage (data_access/)."""
from flask import Flask


def register_api(server: Flask) -> None:
    from api.headers import register_headers
    from api.openapi import register_openapi
    from api.read import register_read
    from api.status import register_status
    from api.write import register_write
    register_read(server)
    register_write(server)
    register_status(server)
    register_openapi(server)
    register_headers(server)
