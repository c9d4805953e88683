"""The dispensing act's rules: what a product's BDPM conditions allow at the counter, packs, substitution,
renewals, narcotics."""
