"""The reception desk's screens: greeting, queue number, pre-inspection, voucher, hand-off."""
