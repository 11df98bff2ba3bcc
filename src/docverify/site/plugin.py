"""MkDocs plugin `docverify`: the proof on every page, and a publish build that refuses unproven docs.

The pages themselves are marked by the Markdown extension `docverify.site.extension`, which
Zensical runs too; this plugin adds it when mkdocs.yml does not list it, and with `publish: true`
fails the build unless every claim is proven against exactly these files by the test report.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from docverify.site import model
from docverify.site.extension import DocverifyExtension

EXTENSION = "docverify.site.extension"


class Flag(BaseConfigOption[bool]):
    """A yes/no option that also takes what `!ENV` yields: `1`, `0`, `"true"`, `"no"`."""

    def __init__(self, default: bool = False) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ValidationError(f"expected true or false, got {value!r}")


class DocverifyConfig(base.Config):  # type: ignore[no-untyped-call]
    report = c.Type(str, default="artifacts/docverify-report.json")
    publish = Flag(default=False)
    root = c.Optional(c.Type(str))


class DocverifyPlugin(BasePlugin[DocverifyConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.options: model.Options | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_dir = Path(config.config_file_path or ".").resolve().parent
        root = (config_dir / self.config.root).resolve() if self.config.root else config_dir
        settings: dict[str, Any] = dict(config.mdx_configs.get(EXTENSION) or {})
        if EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(EXTENSION)
        # The plugin's own settings say where the repository and its report are.
        settings["root"] = str(root)
        settings["report"] = os.path.relpath(config_dir / self.config.report, root)
        settings.setdefault("docs", os.path.relpath(Path(config.docs_dir).resolve(), root))
        settings.setdefault("directory_urls", config.use_directory_urls)
        config.mdx_configs[EXTENSION] = settings
        self.options = DocverifyExtension(**settings).options()
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.config.publish and self.options is not None:
            site = model.site(self.options)
            errors = site.publish_errors()
            if errors:
                shown = "\n  ".join(errors[:40]) + (f"\n  …and {len(errors) - 40} more" if len(errors) > 40 else "")
                raise PluginError(
                    f"docverify: not publishing, {len(errors)} problem(s) with the proof "
                    f"({os.path.relpath(self.options.report, self.options.root)}):\n  {shown}"
                )
        return files

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        # A test run rewrites the report as claims finish: the pages follow it.
        if self.options is not None and self.options.report.parent.is_dir():
            server.watch(str(self.options.report.parent))
        return server
