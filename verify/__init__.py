"""dlverify: check the mathematics of deep learning symbolically (SymPy) and numerically (JAX).

Public API (re-exports only)::

    from verify import Claim, Identity, Gradient, Derivation, Minimiser, Expectation
    from verify import Property, Algorithmic, Shape, Grad, Jacobian, sigmoid, scalar, domains
"""

from . import domains as domains
from ._errors import ClaimDefinitionError as ClaimDefinitionError
from ._errors import SelectorError as SelectorError
from .claim import Algorithmic as Algorithmic
from .claim import Claim as Claim
from .claim import Derivation as Derivation
from .claim import Expectation as Expectation
from .claim import Gradient as Gradient
from .claim import Identity as Identity
from .claim import Minimiser as Minimiser
from .claim import Property as Property
from .claim import Shape as Shape
from .nodes import Grad as Grad
from .nodes import Jacobian as Jacobian
from .nodes import scalar as scalar
from .nodes import sigmoid as sigmoid
