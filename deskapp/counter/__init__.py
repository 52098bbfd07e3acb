"""The pickup counter, a module a step: the voucher check (or a manager's identity check),
the verification sign-off (驗機), fees agreed and paid or waived, release, farewell; the
lists of what waits at the counter."""
