"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app` (always from the repository root)."""

from trace.app import create_app

app = create_app()
