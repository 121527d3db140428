from verify.jaxsetup import configure

# float64 and the compile settings, set once at the edge (the CLI does the same).
configure()
