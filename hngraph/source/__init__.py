"""Source task lists: records, the parser, and the writer that inverts it (round trip)."""
