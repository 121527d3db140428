"""Explanations of the mutants of the built-in claims that `dlverify mutate` does not kill.

Keyed by (claim id, the mutation as `Mutant.describe()` prints it).  A note says why the mutant
survives: a true statement (with the argument), or a blind spot of the random instances (with
what would find it).  Notes are read only for survivors; they never change a verdict, and a
survivor without a note is printed as NOT EXPLAINED.
"""

_TRIANGLE = "linear_algebra.norm.lp_family.triangle"
_ORTHONORMAL = "linear_algebra.spectral.symmetric_orthonormal.orthonormal"

NOTES: dict[tuple[str, str], str] = {
    (_TRIANGLE, "swap_product in lhs: 1*Lambda(_d, Abs(_d)**p).(x + y)  ->  Lambda(_d, Abs(_d)**p).(x + y)*1"): (
        "A true statement. In the original, a row of ones times the column of |x_i + y_i|^p sums the entries; "
        "swapped, the column times the 1 x n row of ones is an n x n matrix whose entry [0, 0] is |x_1 + y_1|^p "
        "alone, so the mutant says |x_1 + y_1| <= ||x||_p + ||y||_p. That holds: |x_1 + y_1| <= |x_1| + |y_1| and "
        "each |v_1| is at most ||v||_p. SymPy cannot sign the slack with p a symbol (nor prove |x_1 + y_1| <= "
        "||x + y||_p, which would make the mutant `implied`), so it stays `verified`, as the original does."),
    (_ORTHONORMAL, "drop_transpose in steps[1]: eigvecs(H).T  ->  eigvecs(H)"): (
        "An ill-posed mutant, reported `inconsistent`, not `proved`. It claims Q Q = I for the matrix Q of "
        "eigenvectors, which holds only when Q is symmetric (a reflection), and whether it is depends on the "
        "signs and the order of the eigenvectors each backend picks: SymPy's exact choice at n = 2 is a "
        "reflection, so the symbolic path proves it there, while JAX's choice is not, so the numeric path "
        "finds Q Q != I. The two paths disagree and the verdict says so. A check that a statement about eigvecs "
        "holds for every choice of signs (flipping a column of Q) would refute it outright; it is not "
        "implemented yet."),
}
