"""CDA R2 documents a pharmacy sends to the DMP (SPEC §5; the CI-SIS models of ../shared/cda-kit): pure, built with
lxml from the typed values of `cda.model`; no database, no HTTP."""
