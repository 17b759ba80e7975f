"""The coordinator's collection of returned reviews: verify, store or quarantine, report."""
