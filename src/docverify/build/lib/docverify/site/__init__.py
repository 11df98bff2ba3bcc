"""The docs site shows its proof: the `docverify` MkDocs plugin and the report reader it uses."""
