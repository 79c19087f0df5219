"""The command categories of ``rintik-manage`` (see CLI.md)."""
