"""The repair bench: the work list and pool, diagnosis, quotes and the customer's answer,
the repair record, delay and notify calls, promises, loaners."""
