"""Pages of the vaccination by the pharmacist."""
