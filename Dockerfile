# Minimal image; the deployment issue completes it (multi-stage, healthcheck, non-root).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY seeds ./seeds
COPY gunicorn.conf.py alembic.ini ./
RUN pip install --no-cache-dir .
ENV HOST=0.0.0.0 PORT=8000
EXPOSE 8000
CMD ["sh", "-c", "flask --app service init && exec gunicorn -c gunicorn.conf.py service.wsgi:app"]
