"""Vocabulary packs, opt-in with `packs = [...]` in `[tool.docverify]`: labels only some projects need.

- `python`: virtual environments (made and filled by any installer), Python packages;
- `poetry`: Poetry's own setup, `poetry export`, and a lock checked fresh in the image;
- `debian`: system packages installed with apt, exactly;
- `django`: settings as Django loads them, migrations and static files at start-up;
- `postgres`: the database service, its health check and the volume that holds its data.
"""
