"""Remote counterparts: one owner task per connection, its wire log, and the registry of them.

SDK types (protobuf, mcp types) stop here: everything above sees plain `Update`s and dicts.
"""
