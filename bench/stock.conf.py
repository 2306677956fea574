"""Empty on purpose: the ceiling runs stock gunicorn (bench/harness.py), and without -c gunicorn would read
the project's ./gunicorn.conf.py."""
