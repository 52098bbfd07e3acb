"""The repair bench's screens: work list, diagnosis, quote, repair, delay call, notify."""
