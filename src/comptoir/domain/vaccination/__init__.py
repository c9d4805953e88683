"""Vaccination by the pharmacist (SPEC §15.8): which vaccines, to whom, the questions asked before the injection,
and the next dose the schedule calls for. Pure: the day is passed in (`today`), nothing is read or written."""
