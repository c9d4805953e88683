"""The Dossier Pharmaceutique at the counter: feeding through the outbox, consultation, the patient's rights."""
