"""``deskapp`` on the command line, a small Unix tool over the station file.

- :mod:`deskapp.cli.main`: the entry point: starts the app or parses a command, runs it,
  turns what went wrong into one line on stderr and an exit code.
- :mod:`deskapp.cli.parser`: the argument parser, in the chosen language (argparse's own
  words too).
- :mod:`deskapp.cli.station`: the station file: which one, opening it, ``init``, ``demo`` and
  starting the app.
- :mod:`deskapp.cli.orders` (``order list``, ``order show``, ``reprint``),
  :mod:`deskapp.cli.records` (``staff``, ``import-sales``), :mod:`deskapp.cli.queue`
  (``queue take``): the commands.
- :mod:`deskapp.cli.manager`: ``--manager NAME`` and the PIN, for what a manager must approve
  (a new voucher's check code, adding staff).
- :mod:`deskapp.cli.output`: tables and JSON on stdout (control characters escaped).
"""
