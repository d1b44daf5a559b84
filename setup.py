"""Build script: the package, with the repository's models/ folder installed as sim/models so
that the default model and its catalogues ship inside the package."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["sim", "sim.*"]) + ["sim.models"],
      package_dir={"sim.models": "models"})
