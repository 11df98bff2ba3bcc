"""Characters a reader cannot see or cannot tell apart, which have no place in a claim.

Invisible: format characters (zero-width spaces and joiners, bidi controls, the soft hyphen),
controls, and every space but the plain one (a no-break space inside a label reads the same and
is another label). Confusable: a letter outside the Latin script (a Cyrillic `а` for `a`), a
letter that compatibility-normalises to another (fullwidth or mathematical letters), and marks that
combine with the letter before them.
"""

from __future__ import annotations

import unicodedata

ALLOWED = {" ", "\t", "\n"}


def describe(char: str) -> str:
    name = unicodedata.name(char, "").lower() or "unnamed character"
    return f"{name} (U+{ord(char):04X})"


def suspicious(char: str) -> str | None:
    """Why `char` hides or disguises what a claim says, or None."""
    if char in ALLOWED or char.isascii() and char.isprintable():
        return None
    category = unicodedata.category(char)
    if category in ("Cf", "Cc", "Co", "Cn", "Cs") or category.startswith("Z"):
        return "an invisible character"
    if category in ("Mn", "Me"):
        return "a combining mark"
    if category.startswith("L"):
        if unicodedata.normalize("NFKC", char) != char:
            return "a look-alike letter"
        if not unicodedata.name(char, "").startswith("LATIN"):
            return "a letter from another script"
    return None


def problems(text: str, where: str) -> list[str]:
    """One sentence per distinct suspicious character of `text` (`where`: "its label", "its words")."""
    found: dict[str, str] = {}
    for char in text:
        why = suspicious(char)
        if why and char not in found:
            found[char] = f"{why} in {where}: {describe(char)}"
    return list(found.values())
