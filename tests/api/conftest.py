import flask
import pytest

from api.read import register_read


@pytest.fixture
def client():
    """The read view on a bare Flask app."""
    app = flask.Flask(__name__)
    register_read(app)
    return app.test_client()
