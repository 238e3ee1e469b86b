"""The framework's ceiling: one Flask route, served with the app's gunicorn settings.

gunicorn --pythonpath bench hello:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "Hello, World!"
