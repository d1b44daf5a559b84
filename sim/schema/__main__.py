"""`python3 -m sim.schema`: print the scenario file's JSON Schema (scenarios/scenario.schema.json)."""

import sys

from . import scenario_json_schema_text

sys.stdout.write(scenario_json_schema_text())
