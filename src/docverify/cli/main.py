"""The command line: write claims from reality, fix drifted ones, print the vocabulary reference.

docverify suggest [--root DIR] [--image]   # claim bullets that pass as written, for a page
docverify fix [--root DIR] [--dry-run]     # rewrite drifted values in the pages, show the diff
docverify reference [--all-packs]          # every label, its forms and what proves it, as Markdown
docverify diagram [--check|--write FILE]   # the stages as an SVG, every word from the proven claims
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import DocverifyError


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(prog="docverify", description=__doc__.split("\n\n")[0])
    commands = made.add_subparsers(dest="command", required=True)
    suggest = commands.add_parser("suggest", help="print claim bullets for the Dockerfile that pass as written")
    suggest.add_argument("--root", type=Path, default=Path("."), help="the project (where pyproject.toml is)")
    suggest.add_argument("--image", action="store_true", help="also build and observe the image (closed-world claims)")
    fix = commands.add_parser("fix", help="rewrite drifted values on the pages and show the diff")
    fix.add_argument("--root", type=Path, default=Path("."))
    fix.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    reference = commands.add_parser("reference", help="print the Vocabulary reference as Markdown")
    reference.add_argument("--root", type=Path, default=None, help="a project: its packs and its own labels too")
    reference.add_argument("--check", type=Path, default=None, help="fail when FILE's reference section is stale")
    reference.add_argument("--write", type=Path, default=None, help="rewrite FILE's reference section")
    drawn = commands.add_parser("diagram", help="draw the Dockerfile's stages and their claims as an SVG")
    drawn.add_argument("--root", type=Path, default=Path("."))
    drawn.add_argument("--check", type=Path, default=None, help="fail when FILE is not what would be drawn")
    drawn.add_argument("--write", type=Path, default=None, help="draw into FILE")
    return made


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "suggest":
            from .suggest import suggest

            sys.stdout.write(suggest(args.root.resolve(), with_image=args.image))
            return 0
        if args.command == "fix":
            from .fix import fix

            return fix(args.root.resolve(), write=not args.dry_run)
        if args.command == "diagram":
            from .diagram import diagram

            return diagram(args.root, args.check, args.write)
        from .reference import reference

        return reference(args.root, args.check, args.write)
    except DocverifyError as error:
        print(f"docverify: {error}", file=sys.stderr)
        return 2
