"""Builds the optional C kernels: the segmentation walk (``classifier/_walk.pyx``) and the
tree-ensemble prediction (``classifier/_trees.pyx``).

Everything else is configured in pyproject.toml. Without a C compiler the build of the
extensions fails quietly (``optional=True``) and the pure-Python / numpy code is used instead.
"""

from setuptools import Extension, setup


def extensions() -> list[Extension]:
    try:
        import lxml
        import numpy
        from Cython.Build import cythonize
    except ImportError:  # built without the build requirements: pure Python
        return []
    walk = Extension("classifier._walk", ["classifier/_walk.pyx"],
                     include_dirs=lxml.get_include(), optional=True)
    trees = Extension("classifier._trees", ["classifier/_trees.pyx"],
                      include_dirs=[numpy.get_include()], optional=True,
                      define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")])
    return cythonize([walk, trees], language_level=3, quiet=True)


setup(ext_modules=extensions())
