"""modelboard: a terminal kanban board for an AI model backlog."""

__version__ = "0.1.0"
