"""Explanations of the mutants of the built-in claims that `dlverify mutate` does not kill.

Keyed by (claim id, the mutation as `Mutant.describe()` prints it).  A note says why the mutant
survives: a true statement (with the argument), or the engine's known blind spot.  Notes are
read only for survivors; they never change a verdict.
"""

NOTES: dict[tuple[str, str], str] = {}
