"""Prove what Markdown docs say about a Dockerfile, its image, its container and its compose stack.

Claims are bullets such as ``*   **Base Image:** `python:3.13-slim` ``. Sybil collects each one
into pytest items, one per level at which its label can be proven:

- static: the Dockerfile, compose file and scripts, read as their own tools read them;
- image: the built images, inspected and probed from inside;
- running: the compose stack, up and healthy.

The package is a pytest plugin (entry point ``pytest11``); configuration comes from ini options
or ``[tool.docverify]``. See README.md.
"""

__version__ = "0.3.0"
