"""Vaccination at the counter: the vaccines a patient may receive, the pack scanned, the act recorded and audited,
its note shared with the DMP, its certificate, and the patient's history (ours and the DMP's)."""
