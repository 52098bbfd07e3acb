"""The command line (``deskapp``): start the app, create a station, import sales, take a
queue number, list and show orders, manage staff, reprint documents."""
