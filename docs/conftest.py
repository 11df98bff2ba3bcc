# The docverify pytest plugin (installed from src/docverify) collects this folder's pages:
# claim bullets become checks at up to three levels, and `>>>` blocks run as doctests.
