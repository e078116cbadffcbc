"""Derived data kept in the store (DESIGN §8): values the use cases would otherwise count from every link on each
call, maintained in the same transaction as the facts they derive from and rebuilt by `caleido reindex`."""
