"""Sign-off: canonical content, PAdES signing and checks, co-signing, export."""
