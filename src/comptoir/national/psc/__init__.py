"""Pro Santé Connect (SPEC §8): the OpenID Connect port, its client, and a local emulated provider."""
