"""Exit 0 when the URL answers 2xx, 1 otherwise (urlopen raises on an error status)."""

import sys
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except OSError:
    sys.exit(1)
