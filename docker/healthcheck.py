"""Docker HEALTHCHECK: exit 0 when /readyz answers 200, 1 otherwise (stdlib only, no curl)."""

import os
import sys
import urllib.request

URL = os.environ.get("HEALTHCHECK_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/readyz"

try:
    with urllib.request.urlopen(URL, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "4"))):
        pass
except Exception as exc:  # HTTPError (503), URLError (refused), timeout: all mean "not ready"
    print(f"not ready: {exc}", file=sys.stderr)
    sys.exit(1)
