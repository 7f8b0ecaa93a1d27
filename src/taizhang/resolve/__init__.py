"""Organisations: split unit lists into mentions and resolve each to a canonical body of the jurisdiction.

The lexicon (aliases, reform renames, territorial roles, regions) lives in resolve/data/*.yaml; a clerk's
own file named by $TAIZHANG_ORG_LEXICON is merged over it (docs/组织机构词典.md).
"""

from taizhang.resolve.lexicon import ENV_VAR, lexicon, reload_lexicon
from taizhang.resolve.split import split_units
from taizhang.resolve.units import (
    is_generic_territorial,
    looks_like_unit,
    looks_like_unit_list,
    region_level,
    region_parent,
    resolve_unit,
    resolve_units,
)

__all__ = [
    "ENV_VAR",
    "is_generic_territorial",
    "lexicon",
    "looks_like_unit",
    "looks_like_unit_list",
    "region_level",
    "region_parent",
    "reload_lexicon",
    "resolve_unit",
    "resolve_units",
    "split_units",
]
