# Fixtures shared by tests/ and the Sybil-collected docs/ (images, the stack).
pytest_plugins = ["docverify.fixtures"]
