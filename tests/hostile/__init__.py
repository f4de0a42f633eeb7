"""Hostile input and overload: payloads a crafted link, file or account would send, and a loaded server."""
