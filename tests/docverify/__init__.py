"""Verification of the docs against the real container.

One job per module:

- `dockerfile`: a model of the Dockerfile, stage by stage, with line numbers;
- `claims`: the claim bullets of a Markdown page, read into `Claim` objects;
- `vocabulary`: what each claim label means, as small check functions per level;
- `docker`: the engine, builds and inspection, with errors that say what broke;
- `probes`: facts from inside an image or a running container, one batch each;
- `sybil_wiring`: Sybil parsers and evaluators that turn claims into pytest items;
- `fixtures`: the pytest plugin that builds images and starts the stack once.
"""
