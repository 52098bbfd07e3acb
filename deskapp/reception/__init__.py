"""The reception desk: queue numbers, pre-inspection (預檢) and its drafts, the hand-off to
the bench, and the desk at a glance."""
