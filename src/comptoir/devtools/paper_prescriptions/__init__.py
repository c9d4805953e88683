"""Made-up paper prescriptions with their ground truth (`comptoir read generate`), to measure the reader."""
