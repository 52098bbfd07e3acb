"""Repair orders, one concern a module: ``model`` (the order and how it is locked),
``reads`` (summaries and lists), ``creation`` (intake with the warranty decision),
``moves`` (lifecycle moves), ``money`` (charges, payments, waivers), ``rework``, ``passcodes``."""
