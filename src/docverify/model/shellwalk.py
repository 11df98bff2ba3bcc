"""bashlex's trees walked in the order sh runs them, each simple command with where it runs.

A command knows whether it may not run (`if` bodies, loops, after `||`), whether its failure is
handled, and whether it runs in a subshell. A call of a function the script defined runs the
function's body there, so its commands are found at the call, in order.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from typing import Any

from . import shellargs, shelltree
from .shellcommand import Command, each_word

CALLS = 8  # how deep function calls are followed (a function that calls itself stops there)
WRITING = {">", ">>", ">|", "&>", "&>>", "<>"}
# A parameter expansion's name, its operator and the operand the shell expands when it needs it.
OPERAND = re.compile(r"[#!]?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])(:?[-=+?]|##?|%%?|//?|:)(.*)", re.S)


def _line_of(script: str, offset: int) -> int:
    return script.count("\n", 0, offset) + 1


@dataclasses.dataclass(frozen=True)
class Context:
    conditional: bool = False
    guarded: bool = False
    background: bool = False
    chained: bool = False
    subshell: bool = False
    calls: int = 0
    writes: tuple[str, ...] = ()  # an enclosing `{ …; } > file`'s files: its commands' output goes there
    loops: tuple[tuple[str, tuple[str, ...]], ...] = ()  # enclosing `for NAME in words`: what `$NAME` takes
    arguments: tuple[str, ...] | None = None  # in a function's body, its call's words, if the walk can tell
    rescue: bool = False  # right after `||`, or first in what follows it: `$?` is the failure before
    written: bool = False  # in a function's body as written, not as called


class Walker:
    def __init__(self, script: str) -> None:
        self.script = script
        self.found: list[Command] = []
        self.functions: dict[str, Any] = {}

    def walk(self, node: Any, context: Context = Context()) -> None:
        kind = node.kind
        if context.rescue and kind not in ("command", "list", "compound"):  # an `if` or a loop sets `$?` anew
            context = dataclasses.replace(context, rescue=False)
        if kind == "command":
            self._command(node, context)
        elif kind == "list":
            self._list(node, context)
        elif kind == "pipeline":
            self._pipeline(node, context)
        elif kind == "function":
            name = next((p.word for p in node.parts if p.kind == "word"), "")
            if not context.written:  # a definition inside a body counts once that body runs
                self.functions[name] = next((p for p in node.parts if p.kind == "compound"), None)
            for part in node.parts:
                if part.kind == "compound":  # the body as written; it runs, with its call's words, where called
                    self.walk(part, dataclasses.replace(context, conditional=True, arguments=(), written=True))
        elif kind == "if":
            self._if(node, context)
        elif kind in ("while", "until", "for", "case"):
            # A loop's first test and a `for`'s word list always run, once at least; its body may not.
            # `for i in 1 2 3`: literal words, so the body runs once at least (`&& break` ends a retry loop).
            first, forever = kind in ("while", "until"), kind == "for" and bool(_loop(node))
            if kind == "for":
                self._for_assignment(node, context)
                context = dataclasses.replace(context, loops=context.loops + _loop(node))
            for part in node.parts:
                if kind == "for" and part.kind == "word":
                    self._substitutions(part, context)
                elif part.kind not in ("reservedword", "operator"):
                    # `while true; do …; done`: the body runs at least once.
                    body = context if forever else dataclasses.replace(context, conditional=True)
                    self.walk(part, dataclasses.replace(context, guarded=True) if first else body)
                    if first and len(shelltree.statements(part)) == 1:
                        forever = _constant(part) is (kind == "while")
                    first = False
        else:
            parts = getattr(node, "parts", None) or getattr(node, "list", None) or []
            opened = next((p.word for p in parts if p.kind == "reservedword"), "")
            writes = context.writes + _writes(getattr(node, "redirects", None) or [])
            inner = dataclasses.replace(context, subshell=context.subshell or opened == "(", writes=writes)
            for at, part in enumerate(p for p in parts if p.kind not in ("reservedword", "operator")):
                self.walk(part, inner if at == 0 else dataclasses.replace(inner, rescue=False))  # `$?` is its own

    def _for_assignment(self, node: Any, context: Context) -> None:
        """`for NAME in a b; do …; done` assigns NAME each word, the last one kept after the loop: an assignment
        as `NAME=b` is (`for NAME; do` walks "$@"). No word, no assignment: it may not happen."""
        words, listed = _for_words(node)
        if not words:
            return
        name, items = words[0], words[1:] if listed else ['"$@"']
        value = items[-1] if items else ""
        assigned = Command((), (f"{name}={value}",), context.conditional or not items or not listed,
                           _line_of(self.script, node.pos[0]), context.guarded, context.background, context.chained,
                           subshell=context.subshell)  # fmt: skip
        self.found.append(assigned)

    def _command(self, node: Any, context: Context) -> None:
        words = [p.word for p in node.parts if p.kind == "word"]
        assignments = tuple(p.word for p in node.parts if p.kind == "assignment")
        body = self.functions.get(words[0]) if words else None
        c, line = context, _line_of(self.script, node.pos[0])
        # `apt-get install "$pkg"` once per word of the loop; in a function, "$@" is its call's words.
        calls = [shellargs.bound(argv, c.arguments) for argv in each_word(tuple(words), c.loops)]
        for argv in calls if words or assignments else []:
            self.found.append(Command(argv, assignments, c.conditional, line, c.guarded, c.background, c.chained,
                                      expands=shelltree.expanded(node), subshell=c.subshell, call=body is not None,
                                      writes=c.writes + _writes(node.parts), rescue=c.rescue))  # fmt: skip
        for part in node.parts:
            self._substitutions(part, context)
        for argv in calls if body is not None and context.calls < CALLS else []:  # the body runs here, as called
            called = dataclasses.replace(context, calls=c.calls + 1, arguments=shellargs.of_call(argv, body))
            self.walk(body, dataclasses.replace(called, written=False))

    def _called(self, node: Any, depth: int = 0) -> Any:
        """What decides how a simple command that calls a function ends (`|| die "why"`): the body, or the function
        its body ends by calling; else the command itself."""
        words = shelltree.command_words(node)
        body = self.functions.get(words[0]) if words else None
        if body is None or depth >= CALLS:
            return node
        decided = shelltree.deciding(body)
        further = self._called(decided, depth + 1)
        return body if further is decided else further

    def _substitutions(self, node: Any, context: Context) -> None:
        """The `$(…)` in a word or a redirection's target: each runs as the command runs (`set -e` never sees it
        fail)."""
        for child in [*(getattr(node, "parts", None) or []), getattr(node, "output", None)]:
            if getattr(child, "kind", None) == "commandsubstitution":
                self.walk(child.command, dataclasses.replace(context, guarded=True, subshell=True, writes=()))
            elif getattr(child, "kind", None) == "parameter":
                self._operand(child, context)
            elif child is not None and not isinstance(child, (int, str)):
                self._substitutions(child, context)

    def _operand(self, node: Any, context: Context) -> None:
        """The `$(…)` in a parameter's operand (`${U:-$(…)}`), which bashlex leaves as text: it runs where the
        default or pattern is needed (`${U:+…}` only when U is set: it may not run)."""
        match = OPERAND.fullmatch(str(node.value))
        if match is None or not re.search(r"\$\(|`", match[2]):
            return
        try:
            trees = shelltree.parse(": " + match[2])
        except shelltree.ShellError:
            return
        inner = Walker(": " + match[2])
        inner.functions = self.functions
        when = dataclasses.replace(context, conditional=context.conditional or match[1].endswith("+"))
        for tree in trees:
            inner.walk(tree, when)
        line = _line_of(self.script, node.pos[0])
        self.found += [dataclasses.replace(c, line=line + c.line - 1) for c in inner.found[1:]]  # not the `:`

    def _list(self, node: Any, context: Context) -> None:
        after_or = after_and = tested = ended = False  # ended: an `exit` or `exec` on the way here may have run
        # The chain's status so far when constants alone decide it (`false || a`: `a` always runs), else None.
        known: bool | None = None
        parts = list(node.parts)
        for index, part in enumerate(parts):
            if part.kind == "operator":
                after_or, after_and = part.op == "||", part.op == "&&"
                tested = tested and part.op == "&&"  # `[ -d x ] && a && b`: a test's answer decides the chain
                known = known if after_or or after_and else None
                continue
            decided = None if known is None or not (after_or or after_and) else after_and == known
            if decided is False:  # `true || a`, `false && a`: never runs, and the status stays
                self.walk(part, dataclasses.replace(context, conditional=True, chained=True))
                continue
            known = _constant(part) if decided or not (after_or or after_and) else None
            following = parts[index + 1] if index + 1 < len(parts) else None
            # `a || b` (b no exit), `a && b` (a not last), `a &`: `set -e` does not stop when `a` fails.
            op = following.op if following is not None and following.kind == "operator" else None
            # `a && b || c`: when `a` fails, `b` never runs and `c` rescues the list (unless `c` exits).
            later = enumerate(parts[index + 1 :], index + 1)
            ends = [n for n, p in later if p.kind == "operator" and p.op in shelltree.STOPS]
            rescued = bool(ends) and parts[ends[0]].op == "||" and shelltree.rescues(self._called(parts[ends[0] + 1]))
            failed = bool(ends) and parts[ends[0]].op == "||" and not rescued  # `a && b || exit $?`: a's failure
            handled = op == "&" or (op == "&&" and not failed)
            handled = handled or (op == "||" and shelltree.rescues(self._called(parts[index + 2])))
            skipped = ((after_or or (after_and and rescued) or tested) and not decided) or ended
            tested, ended = tested or _tests(part), ended or (not after_or and shelltree.ends(part))
            c = context
            inner = dataclasses.replace(c, conditional=c.conditional or skipped, guarded=c.guarded or handled,
                                        background=c.background or op == "&")  # fmt: skip
            rescue = after_or or (context.rescue and index == 0)  # `a || { exit $?; }`: still a's status
            self.walk(part, dataclasses.replace(inner, chained=c.chained or after_or or after_and, rescue=rescue))

    def _pipeline(self, node: Any, context: Context) -> None:
        negated = any(p.kind == "reservedword" and p.word == "!" for p in node.parts)
        members = [p for p in node.parts if p.kind not in ("reservedword", "pipe")]
        for index, part in enumerate(members):
            start = len(self.found)
            # sh runs each command of a pipeline of two or more in a subshell of its own.
            self.walk(part, dataclasses.replace(context, subshell=context.subshell or len(members) > 1))
            piped = index < len(members) - 1
            self.found[start:] = [
                dataclasses.replace(c, negated=c.negated or negated, piped=c.piped or piped) for c in self.found[start:]
            ]

    def _if(self, node: Any, context: Context) -> None:
        """The first condition always runs, its failure handled by the `if`; unless the branch it fails into exits
        non-zero at once (`if ! step; then exit 1; fi`), which is a failure stopping the script as `set -e` would."""
        parts = [p for p in _flat(node.parts) if p.kind != "operator"]
        words = [p.word if p.kind == "reservedword" else None for p in parts]
        start = len(self.found)
        self.walk(parts[1], dataclasses.replace(context, guarded=True))
        condition = shelltree.first(parts[1])
        negated = condition.kind == "pipeline" and _negated(condition)
        # A failing condition goes to the first `elif` when there is one, and only else to the `else`.
        alone = "else" in words and "elif" not in words
        failing = parts[3] if negated else (parts[words.index("else") + 1] if alone else None)
        if len(shelltree.statements(parts[1])) > 1:
            failing = None  # `if a; b; then`: only the last one's status decides
        if failing is not None and shelltree.fails(failing, kept_fails=not negated):  # `else exit $?` too
            self.found[start:] = [dataclasses.replace(c, guarded=context.guarded, negated=False)
                                  for c in self.found[start:]]  # fmt: skip
        # `if true`, `if ! false`: the branch a constant condition takes always runs (`elif` aside).
        always = _constant(parts[1]) if len(shelltree.statements(parts[1])) == 1 else None
        taken = 3 if always else (words.index("else") + 1 if always is False and alone else None)
        for at, part in enumerate(parts[2:], 2):
            if part.kind != "reservedword":
                branch = context if at == taken else dataclasses.replace(context, conditional=True)
                # The `else` of `if prog`: its first command's `$?` is prog's failure.
                self.walk(part, dataclasses.replace(branch, rescue=part is failing and not negated))


def _for_words(node: Any) -> tuple[list[str], bool]:
    """A `for`'s name and words, and whether it lists them (`for NAME; do` walks "$@")."""
    listed = any(p.kind == "reservedword" and p.word == "in" for p in node.parts)
    return [p.word for p in node.parts if p.kind == "word"], listed


def _loop(node: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A `for NAME in words` whose words are literal: what `$NAME` takes in its body, in turn."""
    words, listed = _for_words(node)
    literal = listed and len(words) > 1 and not any(set(w) & set("$`*?[") for w in words[1:])
    return ((words[0], tuple(words[1:])),) if literal else ()


def _flat(parts: list[Any]) -> list[Any]:
    """An `if`'s parts in order: bashlex puts a third `elif` and what follows inside a reserved word's `word`."""
    flat = []
    for part in parts:
        nested = part.word if part.kind == "reservedword" and isinstance(part.word, list) else None
        flat += _flat(nested) if nested is not None else [part]
    return flat


def _tests(node: Any) -> bool:
    """A test (`[ … ]`, `test …`): its failing is an answer, so what `&&` joins to it runs only on that answer."""
    words = shelltree.command_words(node)
    return words[:1] in (["["], ["test"], ["[["])


def _writes(parts: list[Any]) -> tuple[str, ...]:
    """The files redirections write (`> f`, `>> f`, `&> f`, `<> f`), devices aside (`/dev/../etc` is no device)."""
    targets = [getattr(p.output, "word", None) for p in parts if p.kind == "redirect" and p.type in WRITING]
    return tuple(t for t in targets if isinstance(t, str) and not posixpath.normpath(t).startswith("/dev/"))


def _constant(node: Any) -> bool | None:
    """The status a command always has (`true`, `:`, `false`, `! true`), else None."""
    node = shelltree.first(node)
    if node.kind == "pipeline":
        members = [p for p in node.parts if p.kind not in ("reservedword", "pipe")]
        inner = _constant(members[0]) if len(members) == 1 else None
        return None if inner is None else inner != _negated(node)
    words = shelltree.command_words(node)
    if words[:1] in (["["], ["test"]) and not any(getattr(p, "parts", None) for p in node.parts):
        return _literal_test(words[1:-1] if words[0] == "[" and words[-1] == "]" else words[1:])
    return {"true": True, ":": True, "false": False}.get(words[0]) if words else None


def _literal_test(words: list[str]) -> bool | None:
    """`[ -n 'x' ]`, `[ -z '' ]`, `[ a = b ]`, `[ x ]`, `[ -d / ]` with no expansion: their answer never changes."""
    if len(words) == 1:
        return words[0] != ""
    if len(words) == 2 and words[0] in ("-n", "-z"):
        return (words[1] != "") is (words[0] == "-n")
    if len(words) == 2 and words[0] in ("-d", "-e") and words[1].strip("/") in ("", "."):
        return True  # the root and the working directory are there in every image
    if len(words) == 3 and words[1] in ("=", "==", "!="):
        return (words[0] == words[2]) is (words[1] != "!=")
    return None


def _negated(node: Any) -> bool:
    return any(p.kind == "reservedword" and p.word == "!" for p in node.parts)
