"""deskapp: the front desk of a repair service station.

The package holds the station's domain (store, order lifecycle, warranty and fee
policy, numbering, event log) and the app shell and CLI. Domain modules never import
Textual; only :mod:`deskapp.app` does.
"""

__version__ = "0.1.0"
