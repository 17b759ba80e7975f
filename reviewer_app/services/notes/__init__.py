"""The reviewer's private scratch notes per case (services/notes/scratch.py)."""
