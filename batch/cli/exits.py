"""Exit codes of every command (the contract's list)."""

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug
EXIT_INPUT = 2  # a bad invocation, an unusable input, a problem of the machine
EXIT_STRICT = 3  # --strict found errors or warnings
EXIT_NOT_SENT = 4  # send: some rows got no answer from Qoo10
EXIT_INTERRUPTED = 130  # Ctrl-C before the outputs were published
