"""The counter's one act: a basket that every way in fills (ON, paper, scanner, keyboard, OTC), analysed at
each change, decided by a pharmacist where safety demands it, validated in one transaction, fanned out to
the national services through the outbox, cancellable the same day."""
