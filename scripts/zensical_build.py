#!/usr/bin/env python3
"""Build the docs with Zensical, proof marks included, and refuse a site that lacks them.

    .venv/bin/python scripts/zensical_build.py                      # mkdocs.yml -> site/
    .venv/bin/python scripts/zensical_build.py -f path/mkdocs.yml
    .venv/bin/python scripts/zensical_build.py --keep-incomplete    # keep the site to look at

Zensical reads mkdocs.yml but silently skips MkDocs plugins. The proof (claim
chips, real line numbers, cited lines, the Claims page) comes from the Markdown
extension `docverify.site.extension`, which Zensical runs like any other, and
which marks every page with an element carrying a `data-docverify` attribute.
A page without one was built without the extension (mkdocs.yml does not list
it): the script then fails, names the missing feature and removes the site, so
it cannot be published by accident. Zensical's cache is cleared on every build
(`--clean`): a page whose Markdown did not change may still show other proof.
MkDocs (`python3 scripts/dev build`) is the generator that publishes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "data-docverify"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SITE_DIR = re.compile(r"^site_dir:[ \t]*(?P<value>\S.*?)[ \t]*(?:#.*)?$", re.M)


class MarkerFinder(HTMLParser):
    """Finds whether any element carries the extension's attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found = self.found or any(name == MARKER for name, _ in attrs)


def has_marker(html: str) -> bool:
    finder = MarkerFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def pages(site_dir: Path) -> list[Path]:
    """The pages built from Markdown: every HTML file but the theme's 404 page."""
    return sorted(path for path in site_dir.rglob("*.html") if path.relative_to(site_dir) != Path("404.html"))


def unmarked_pages(site_dir: Path) -> list[str]:
    """The pages that carry no docverify marker, relative to the site."""
    return [str(page.relative_to(site_dir)) for page in pages(site_dir) if not has_marker(page.read_text("utf-8"))]


def site_dir_of(config: Path) -> Path:
    """site_dir from the config (plain values only), else Zensical's default `site`."""
    match = SITE_DIR.search(config.read_text("utf-8"))
    value = match["value"].strip("'\"") if match else "site"
    if value.startswith("!"):
        raise SystemExit(f"{config}: site_dir must be a plain path for this script, not {value!r}")
    return (config.parent / value).resolve()


def zensical() -> str:
    """The project's Zensical, else one on PATH."""
    local = ROOT / ".venv" / "bin" / "zensical"
    found = str(local) if local.exists() else shutil.which("zensical")
    if not found:
        raise SystemExit("zensical is not installed: run `python3 scripts/dev build` once to install the locked tools")
    return found


def readable(output: str) -> list[str]:
    """Zensical's output without colour codes, a traceback cut to its last line."""
    lines, in_traceback = [], False
    for line in ANSI.sub("", output).splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
        elif in_traceback and line and not line.startswith(" "):
            in_traceback = False
            lines.append(line)
        elif not in_traceback:
            lines.append(line)
    return lines


def build(config: Path) -> int:
    """Run `zensical build --strict` from the config's directory (snippet paths are relative to it)."""
    result = subprocess.run(
        [zensical(), "build", "--strict", "--clean", "--config-file", str(config)],
        cwd=config.parent,
        env={**os.environ, "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in readable(result.stdout):
        print(line)
    return result.returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml", help="default: mkdocs.yml")
    parser.add_argument("--keep-incomplete", action="store_true", help="keep a site built without the proof")
    args = parser.parse_args(argv)
    config: Path = args.config_file.resolve()
    if not config.is_file():
        print(f"zensical_build: no config file {config}", file=sys.stderr)
        return 2
    site_dir = site_dir_of(config)

    returncode = build(config)
    if returncode != 0:
        print(f"zensical_build: zensical build failed (exit {returncode}); see above", file=sys.stderr)
        return returncode

    built = pages(site_dir)
    unmarked = unmarked_pages(site_dir)
    if not built or unmarked:
        first = f" (first: {unmarked[0]})" if unmarked else ""
        fate = f"kept {site_dir} to inspect, do not publish it" if args.keep_incomplete else f"removed {site_dir}"
        if not args.keep_incomplete:
            shutil.rmtree(site_dir)
        print(
            f"zensical_build: the docverify extension did not run: {len(unmarked)} of {len(built)} pages lack its "
            f"{MARKER} marker{first}. List docverify.site.extension under markdown_extensions in the config "
            f"(Zensical skips MkDocs plugins), or the proof marks and the Claims page are missing; {fate}.",
            file=sys.stderr,
        )
        return 1
    print(f"zensical_build: {len(built)} pages, each with the docverify proof marker, in {site_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
