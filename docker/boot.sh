#!/bin/sh
# Container entrypoint. `serve` (default): check config, migrate, seed what is missing, exec gunicorn.
# `init`: check config, migrate and seed, then exit (compose's one-shot `migrate` service).
# Anything else runs as given (e.g. `flask --app service seed check`).
set -eu

check_config() {
  python -c 'import sys; from service.config import main; sys.exit(main())'
}

init() {
  flask --app service init
}

case "${1:-serve}" in
  serve)
    check_config
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then init; fi
    exec gunicorn --config "${GUNICORN_CONFIG:-gunicorn.conf.py}" service.wsgi:app
    ;;
  init)
    check_config
    init
    ;;
  *)
    exec "$@"
    ;;
esac
