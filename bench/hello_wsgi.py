"""Hello world in Flask: the ceiling of what gunicorn serves here (bench/bench_api_load.py).
Run: gunicorn --workers 2 bench.hello_wsgi:app"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return {"status": "ok", "message": "hello, world"}
