"""Returns: signed reviews going home to the coordinator as signed, encrypted bundles."""
