# Sybil reads every page: claim bullets become checks at three levels and
# `>>>` blocks run as doctests (tests/docverify/sybil_wiring.py).
from docverify.sybil_wiring import collectors

pytest_collect_file = collectors().pytest()
