"""The station's rules as plain Python: the order lifecycle (state machine and guards), the
warranty, fee and contract policy, number formats, dates, text cleaning, input validation,
errors. Imports no storage, no UI and reads no files (import-linter checks it)."""
