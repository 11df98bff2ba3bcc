"""The engine's errors. Each message names the file and line it is about."""

from __future__ import annotations


class DocverifyError(Exception):
    """Base of the engine's own errors."""


class ConfigError(DocverifyError):
    """The plugin's configuration names something that is not there."""


class DockerfileError(DocverifyError, ValueError):
    """The Dockerfile cannot be read; the message names file:line."""


class ScriptError(DocverifyError, ValueError):
    """A shell script no shell can read; the message names file:line."""


class ComposeError(DocverifyError, ValueError):
    """The compose file cannot be read by compose; the message says why."""


class ClaimUnreadable(DocverifyError, ValueError):
    """A claim the vocabulary cannot read: a collection error naming page:line, never a pass."""


class ClaimFailed(AssertionError):
    """The docs say one thing and the subject has another."""


class BuildFailed(DocverifyError, RuntimeError):
    """A build failed; the message holds the failing step and the log's tail."""


class ProbeFailed(DocverifyError, RuntimeError):
    """Facts could not be gathered from inside an image or container."""
