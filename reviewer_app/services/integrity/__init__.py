"""Is the workspace still what the app wrote: its audit chain, its database file, and the
audit heads its signatures sealed (``checks``)."""
