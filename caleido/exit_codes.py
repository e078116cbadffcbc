"""The exit codes of the `caleido` command line: one table for every command, `caleido keys` included."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INVALID_INPUT = 1
    USAGE = 2
    UNUSABLE_STORE = 3


EXIT_CODES: dict[ExitCode, str] = {
    ExitCode.OK: "done",
    ExitCode.INVALID_INPUT: "invalid input (a file, a record, a key's role or name): nothing was written",
    ExitCode.USAGE: "usage: an unknown command, option or format, or a missing one",
    ExitCode.UNUSABLE_STORE: "the store or the key file cannot be used (unreachable, in use, refused, broken)",
}
