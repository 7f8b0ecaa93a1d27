"""Field extractors: deadlines, flags, status, targets (and units)."""
