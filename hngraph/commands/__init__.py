"""CLI command modules: each has add_parser(subparsers) and run(args) -> int."""
