"""Conversations: the event log, turns, routing a prompt to its counterpart, storage."""
