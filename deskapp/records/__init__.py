"""The station's records of people and things: customers (with phones, dealers, contracts),
devices, purchase records (the sales import) and staff (roles, PINs)."""
