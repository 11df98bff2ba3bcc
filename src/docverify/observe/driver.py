"""Runs INSIDE an image or container, under its own Python (standard library only, Python 3.8+).

`PAYLOAD` is set above this text by the host: the observers to run, each with its source,
the name of its function and its request. Observers that read files run first, one after the
other, before any child program can write; observers that run programs follow, side by side.
One JSON object comes out: each observer's answer by name, or its error.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

ERROR = "__docverify_error__"
PAYLOAD: dict[str, Any] = {}  # replaced by the host


def run_one(entry: dict[str, Any], context: dict[str, Any]) -> Any:
    namespace: dict[str, Any] = {"__name__": "docverify_observer_" + entry["name"]}
    try:
        exec(compile(entry["source"], "<observer " + entry["name"] + ">", "exec"), namespace)
        return namespace[entry["function"]](entry["request"], context)
    except BaseException:  # an observer that breaks is reported by name; the others still answer
        return {ERROR: traceback.format_exc(limit=4)[-2000:]}


def main(payload: dict[str, Any]) -> None:
    context = {"workdir": os.getcwd(), "executable": sys.executable, "uid": os.getuid()}
    entries = payload.get("observers", [])
    answers = {}
    for entry in entries:
        if entry["phase"] == "files":
            answers[entry["name"]] = run_one(entry, context)
    programs = [entry for entry in entries if entry["phase"] != "files"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for entry, answer in zip(programs, pool.map(lambda e: run_one(e, context), programs)):  # noqa: B905 (3.8+)
            answers[entry["name"]] = answer
    sys.stdout.write(json.dumps(answers))
    sys.stdout.write("\n")


main(PAYLOAD)
