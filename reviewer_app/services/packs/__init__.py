"""Assignment packs, both ends: their format and their import."""
