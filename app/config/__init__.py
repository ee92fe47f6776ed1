"""The organisation's configuration, `ladder.yml`: its format (schema.py) and where it is read from
(loader.py: the repository, the org's `.github` repository, `_extends`). Reference: docs/configuration.md."""

from app.config.cohort_checks import cohort_role_problems
from app.config.schema import (
    Cohort,
    CohortScope,
    ConfigError,
    OrgConfig,
    PeribolosFile,
    Substantial,
    check_config_text,
    parse_config,
)

__all__ = [
    "Cohort",
    "CohortScope",
    "ConfigError",
    "OrgConfig",
    "PeribolosFile",
    "Substantial",
    "check_config_text",
    "cohort_role_problems",
    "parse_config",
]
