"""Parallel workers (pytest-xdist): one worker owns the docs, the stack and the report.

Every doc claim, every test that uses the `stack` or `images` fixture, and every test marked
`docverify_report` (it reads the report this session writes) join one `xdist_group`, so with
`--dist loadgroup` a single worker builds and starts what they share, writes the one report, and
runs the report readers after every claim. The other workers take everything else. The
controller removes the stack's containers at the end whatever happened, so a worker that died
leaves nothing behind.
"""

from __future__ import annotations

from typing import Any

import pytest

REPORT_MARKER = "docverify_report"
MARKER_TEXT = f"{REPORT_MARKER}: reads the report this session writes; runs after every claim, beside them"


def group(settings_project: str) -> str:
    return f"docverify-{settings_project}"


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def is_controller(config: pytest.Config) -> bool:
    """The xdist process that hands out tests and runs none."""
    return not is_worker(config) and getattr(config.option, "numprocesses", None) not in (None, 0)


def needs_owner(item: pytest.Item, claim_level: bool) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    # `images` too: asking for it starts the session's builds and, beside them, its stack; on a second worker
    # that start would take down the stack the owner's tests are using (one compose project).
    shared = "stack" in fixtures or "images" in fixtures
    return claim_level or shared or item.get_closest_marker(REPORT_MARKER) is not None


def assign(items: list[pytest.Item], owned: list[pytest.Item], name: str) -> None:
    """Put the owner's items in one group, report readers last (pytest keeps the order within a group)."""
    readers = [item for item in owned if item.get_closest_marker(REPORT_MARKER)]
    for item in owned:
        if item.config.pluginmanager.hasplugin("xdist"):
            item.add_marker(pytest.mark.xdist_group(name=name))
    if readers:
        last = {id(item) for item in readers}
        items[:] = [item for item in items if id(item) not in last] + readers


def distribution(config: pytest.Config) -> None:
    """With workers (`-n`), the docs' group reaches one worker only under `--dist loadgroup`: it is what a run
    without `--dist` gets, and a run that asked for another mode is refused in one line (the claims would bring
    the one stack up on several workers, each taking it down under the others)."""
    if not getattr(config.option, "numprocesses", None) or not hasattr(config.option, "dist"):
        return
    asked = [a for a in (*config.invocation_params.args, *config.getini("addopts")) if str(a).startswith("--dist")]
    if config.option.dist == "no" or (config.option.dist == "load" and not asked):
        config.option.dist = "loadgroup"  # `load` is what xdist makes of no `--dist` when it runs first
    elif config.option.dist != "loadgroup":
        raise pytest.UsageError(
            f"docverify: --dist {config.option.dist} would split the doc claims, which share one stack, over "
            "the workers; use --dist loadgroup, or leave --dist out"
        )


class GroupIds:
    """xdist 3.8 marks a group by renaming `item._nodeid`, which pytest 9.2 no longer reads (the id is
    `item._id`): the group reaches the scheduler only if the id itself carries it."""

    def pytest_configure_node(self, node: Any) -> None:
        """A worker parses the command line again: it learns the mode `distribution` chose from the controller."""
        node.workerinput["docverify_loadgroup"] = node.config.option.dist == "loadgroup"

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        told = getattr(config, "workerinput", {}).get("docverify_loadgroup", False)
        if not (getattr(config.option, "loadgroup", False) or told):
            return
        for item in items:
            marks = item.get_closest_marker("xdist_group")
            if marks is None or "@" in item.nodeid:
                continue
            wanted = f"{item.nodeid}@{marks.kwargs.get('name') or marks.args[0]}"
            try:
                from _pytest.nodeid import NodeId  # type: ignore[import-not-found, unused-ignore]
            except ImportError:  # an older pytest reads `_nodeid`, which xdist set
                return
            item._id = NodeId.parse(wanted)  # type: ignore[attr-defined, unused-ignore]
