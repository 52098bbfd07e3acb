"""The pickup counter's screens: voucher check, sign-off, fees, repair order and release,
farewell, rework."""
