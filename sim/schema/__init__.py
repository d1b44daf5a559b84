"""Declarative schemas of the input files, and one way of turning their errors into
`file:line: key | problem. how to fix` lines.

Each schema checks a file on its own (types, keys, choices, orderings); checks against the
model (parameter names, declared ranges) follow in a second pass, in sim/modelcheck.py.
"""

from __future__ import annotations

import json

from .adapter import check

__all__ = ["check", "scenario_json_schema"]


def scenario_json_schema() -> dict:
    """The JSON Schema of a scenario file, for editors that check YAML while it is typed."""
    from .scenario import ScenarioFile

    schema = ScenarioFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sim scenario file"
    return _drop_null_defaults(schema)


def _drop_null_defaults(node):
    if isinstance(node, dict):
        return {k: _drop_null_defaults(v) for k, v in node.items()
                if not (k == "default" and v is None)}
    if isinstance(node, list):
        return [_drop_null_defaults(v) for v in node]
    return node


def scenario_json_schema_text() -> str:
    """The schema as the text of scenarios/scenario.schema.json."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
