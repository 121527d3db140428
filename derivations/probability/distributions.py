"""Named distributions as the notes write them: each pmf or pdf is non-negative and sums or
integrates to 1, and has the stated moments.

The formulas are written out here (a density as an explicit expression, its total as an
`sp.Integral` or `sp.Sum`), so these claims check the notes' formulas themselves, not dlverify's
own distributions: SymPy integrates and sums them exactly, the numeric path evaluates the same
integrals by double-exponential quadrature and the series by partial sums (verify.quadrature).
"""

from __future__ import annotations

import sympy as sp

from verify import Claim, Identity, Property, domains

SOURCE = "000_dc19b0ffecab0c76.txt — Probability (untitled)"

x = sp.Symbol("x", real=True)  # integration variable of a density (bound)
k = sp.Symbol("k", integer=True, nonnegative=True)  # summation index of a pmf (bound)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
a = sp.Symbol("a", real=True)
w = sp.Symbol("w", positive=True)  # the width b - a of a uniform's interval: b = a + w > a
p = sp.Symbol("p", positive=True)
lam = sp.Symbol("lam", positive=True)
n = sp.Symbol("n", integer=True, positive=True)  # number of trials of a binomial: a dimension

b = a + w


def normal_pdf(t):
    return sp.exp(-(t - mu) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)


def uniform_pdf():
    """1 / (b - a) on [a, b] (0 elsewhere, so its integrals over the line are those over [a, b])."""
    return 1 / (b - a)


def bernoulli_pmf(t):
    return p ** t * (1 - p) ** (1 - t)


def binomial_pmf(t):
    return sp.binomial(n, t) * p ** t * (1 - p) ** (n - t)


def poisson_pmf(t):
    return lam ** t * sp.exp(-lam) / sp.factorial(t)


DOMAIN = {mu: domains.real(), sigma: domains.positive(0.5, 2.0), a: domains.real(), w: domains.positive(0.5, 4.0),
          p: domains.probability(), lam: domains.positive(0.1, 20.0)}
TEX = {"lam": r"\lambda", "mu": r"\mu", "sigma": r"\sigma"}

pmf_pdf_normalization = [
    Claim(
        id="probability.pmf_pdf.normalization.sums_to_one",
        catalog="probability.pmf_pdf.normalization",
        title="Each named pmf sums to 1 and each named pdf integrates to 1",
        source=f"{SOURCE} › 4. Probability Mass Function; 5. Probability Density Function",
        statement=Identity(
            sp.ImmutableMatrix([
                sp.Integral(normal_pdf(x), (x, -sp.oo, sp.oo)),
                sp.Integral(uniform_pdf(), (x, a, b)),
                sp.Sum(bernoulli_pmf(k), (k, 0, 1)),
                sp.Sum(binomial_pmf(k), (k, 0, n)),
                sp.Sum(poisson_pmf(k), (k, 0, sp.oo)),
            ]),
            sp.ImmutableMatrix([1, 1, 1, 1, 1])),
        domain={mu: DOMAIN[mu], sigma: DOMAIN[sigma], a: DOMAIN[a], w: DOMAIN[w], p: DOMAIN[p], lam: DOMAIN[lam]},
        sizes={n: (1, 10)},
        symbolic_sizes=tuple({"n": m} for m in range(1, 11)),
        notes="The property, applied to the five distributions of the notes (one entry each): the normal density "
              "over the whole line (sigma > 0), the uniform density 1/(b - a) over [a, b] (it is 0 elsewhere; b = a + w "
              "with w > 0 encodes b > a), the Bernoulli pmf over {0, 1}, the binomial pmf over 0..n, the Poisson pmf "
              "over 0, 1, 2, ... (lam > 0). SymPy integrates and sums exactly; the binomial sum is expanded at each n "
              "from 1 to 10 (the scope). Numerically: double-exponential quadrature and partial sums of 160 terms, "
              "each with its own error estimate.",
        tex_names=TEX,
    ),
    Claim(
        id="probability.pmf_pdf.normalization.nonnegative",
        catalog="probability.pmf_pdf.normalization",
        title="The named pmfs and pdfs are non-negative",
        source=f"{SOURCE} › 4. Probability Mass Function; 5. Probability Density Function",
        statement=Property(sp.ImmutableMatrix([normal_pdf(x), uniform_pdf(), bernoulli_pmf(0), bernoulli_pmf(1),
                                               binomial_pmf(0), binomial_pmf(1), binomial_pmf(2),
                                               poisson_pmf(0), poisson_pmf(1), poisson_pmf(2), poisson_pmf(5)]),
                           "nonnegative"),
        domain={x: domains.real(3.0), mu: DOMAIN[mu], sigma: DOMAIN[sigma], w: DOMAIN[w],
                p: DOMAIN[p], lam: DOMAIN[lam]},
        sizes={n: (2, 10)},
        notes="Each density at a point x of the line, the uniform density inside [a, b], the Bernoulli pmf at 0 and 1, "
              "the binomial pmf at k = 0, 1, 2 (n >= 2 trials) and the Poisson pmf at k = 0, 1, 2, 5; p in (0, 1), "
              "lam > 0, sigma > 0.",
        tex_names=TEX,
    ),
]


def _moments(id: str, title: str, section: str, total, over: tuple, density, mean, variance, params: tuple,
             notes: str, **sizes) -> Claim:
    """The claim that `density`, a function of the variable over[0], has total 1, mean `mean` and
    variance `variance`; `total` is sp.Integral or sp.Sum over the limits `over`, `params` the
    symbols drawn from DOMAIN, `sizes` the sizes of a dimension-valued parameter."""
    t = over[0]
    return Claim(
        id=id,
        title=title,
        source=f"{SOURCE} › {section}",
        statement=Identity(
            sp.ImmutableMatrix([total(density, over), total(t * density, over),
                                total((t - mean) ** 2 * density, over)]),
            sp.ImmutableMatrix([1, mean, variance])),
        domain={s: DOMAIN[s] for s in params},
        notes=notes,
        tex_names=TEX,
        **sizes,
    )


uniform_pdf_claim = _moments(
    "probability.uniform.pdf",
    "The uniform density on [a, b] integrates to 1, with mean (a + b)/2 and variance (b - a)^2/12",
    "9. Uniform Distribution", sp.Integral, (x, a, b), uniform_pdf(), (a + b) / 2, (b - a) ** 2 / 12, (a, w),
    "b > a is encoded as b = a + w with w > 0. The density is 1/(b - a) on [a, b] and 0 elsewhere, so each "
    "integral over the line is the integral over [a, b] written here. The mean and variance are not stated in "
    "the notes (the catalog adds them). Checked: SymPy's integrals in closed form; double-exponential quadrature.",
)

normal_pdf_moments = _moments(
    "probability.normal.pdf_moments",
    "The normal density integrates to 1, has mean mu and variance sigma^2",
    "10. Normal Distribution", sp.Integral, (x, -sp.oo, sp.oo), normal_pdf(x), mu, sigma ** 2, (mu, sigma),
    "sigma > 0, mu real. The three Gaussian integrals over the whole line, exactly by SymPy and by "
    "double-exponential (sinh-sinh) quadrature with an error estimate on the numeric path.",
)

bernoulli_pmf_moments = _moments(
    "probability.bernoulli.pmf_moments",
    "The Bernoulli pmf p^x (1-p)^(1-x) sums to 1, with mean p and variance p(1-p)",
    "11. Bernoulli Distribution", sp.Sum, (k, 0, 1), bernoulli_pmf(k), p, p * (1 - p), (p,),
    "0 < p < 1 (the endpoints, where the pmf is a point mass, follow by continuity; 0^0 = 1). The two-term "
    "sums are exact on both paths.",
)

binomial_pmf_moments = _moments(
    "probability.binomial.pmf_moments",
    "The binomial pmf sums to 1, with mean np and variance np(1-p)",
    "12. Binomial Distribution", sp.Sum, (k, 0, n), binomial_pmf(k), n * p, n * p * (1 - p), (p,),
    "0 < p < 1, n = 1..10 trials (a dimension: the sums are expanded at each n). SymPy proves the three "
    "polynomial identities in p at every n from 1 to 10 (the scope); the numeric path sums the pmf in float64.",
    sizes={n: (1, 10)},
    symbolic_sizes=tuple({"n": m} for m in range(1, 11)),
)

poisson_pmf = _moments(  # from here on the module's poisson_pmf is this claim, no longer the pmf
    "probability.poisson.pmf",
    "The Poisson pmf sums to 1, with mean lam and variance lam",
    "13. Poisson Distribution", sp.Sum, (k, 0, sp.oo), poisson_pmf(k), lam, lam, (lam,),
    "lam > 0 (instances in [0.1, 20]). The series are summed by SymPy in closed form; numerically by partial "
    "sums of 512 and 256 terms, which must agree (the tail beyond 256 terms is below 1e-100 for lam <= 20).",
)
