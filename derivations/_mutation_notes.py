"""Explanations of the mutants of the built-in claims that `dlverify mutate` does not kill.

Keyed by (claim id, the mutation as `Mutant.describe()` prints it).  A note says why the mutant
survives: a true statement (with the argument), or a blind spot of the random instances (with
what would find it).  Notes are read only for survivors; they never change a verdict, and a
survivor without a note is printed as NOT EXPLAINED.
"""

_MERCER = "classical_ml.kernel.mercer_psd"
_HESSIAN = "regularization.quadratic_model.hessian_psd"

NOTES: dict[tuple[str, str], str] = {
    (_MERCER, "add_transpose in expr: X  ->  X.T"): (
        "Weak instances, not a true statement in general. The mutant reads one coordinate of one point "
        "through X^T (the entry X[j, i] instead of X[i, j]) inside the distance of a single entry of the 3 x 3 "
        "Gram matrix (the statement is mutated at N = d = 3). Only that entry changes, to another value in "
        "(0, 1]; the matrix keeps its unit diagonal, and the PSD check takes its symmetric part. A 3 x 3 "
        "matrix of that kind fails to be PSD only when two off-diagonal entries are close to 1 and the third "
        "is far from it (1 - a^2 - b^2 - c^2 + 2abc < 0); for a true Gram matrix the third entry is then forced "
        "close to 1 too, and one changed coordinate breaks that link only for points that nearly coincide in "
        "the other coordinates. Random normal points with sigma in [0.2, 5] almost never produce that "
        "configuration. A search that minimises the smallest eigenvalue over the instance (gradient descent "
        "on the raw draws) would be needed to kill it; it is not implemented yet. SymPy leaves the 3 x 3 "
        "principal minors undecided, so the verdict is `verified`, not `proved`."),
    (_MERCER, "drop_term in expr: -(X[0, 0] - X[0, 1])**2 - (X[1, 0] - X[1, 1])**2 - (X[2, 0] - X[2, 1])**2  ->  "
              "-(X[1, 0] - X[1, 1])**2 - (X[2, 0] - X[2, 1])**2"): (
        "Weak instances, as for the transposed coordinate above: the mutant drops the first coordinate from "
        "the distance of one entry (x_1, x_2), so that entry grows towards 1 while its mirror entry and the "
        "other entries keep their kernel values. The symmetric part still has unit diagonal and entries in "
        "(0, 1]; it is indefinite only when x_1 and x_2 are far apart in the first coordinate and close in the "
        "others while a third point is close to both in a way a true Gram matrix would forbid. Random "
        "instances did not produce that; a targeted search of the smallest eigenvalue would."),
    (_HESSIAN, "neighbour_function in expr: tanh(_d)  ->  sigmoid(_d)"): (
        "Weak instances. The mutant evaluates the Hessian of the cost with sigmoid in place of tanh at a local "
        "minimiser of the original cost: U^T diag(a * sigmoid''(U w + c)) U + S. Since |sigmoid''| <= 0.097 "
        "while |tanh''| <= 0.77, the changed curvature term is about eight times smaller than the original's "
        "and the SPD matrix S (smallest eigenvalue at least 0.1) dominates it for almost every random draw; a "
        "negative eigenvalue needs |a_i| large, a large row of U aligned with S's weakest direction, and "
        "sigmoid'' near its extreme at the minimiser. 32 random instances did not find one; a search that "
        "minimises the smallest eigenvalue would. The original claim holds for every smooth cost (the "
        "second-order necessary condition), so the mutant is false only because expr and the cost no longer "
        "match."),
}
