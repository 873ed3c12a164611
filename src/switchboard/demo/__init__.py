"""Bundled demo servers: the embedded default counterparts."""
