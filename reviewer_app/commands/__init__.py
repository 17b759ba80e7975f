"""CLI commands, one module per area; each has ``register(subparsers)``."""
