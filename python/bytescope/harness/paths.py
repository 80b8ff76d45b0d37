"""Which files belong to the user's project, and the names results use for files.

Results must compare across machines and checkouts, so a project file is named relative to the project directory
(with ``/``), the standard library as ``<stdlib>/json/encoder.py`` and installed packages as
``<site-packages>/pkg/mod.py``; anything else keeps its absolute path.
"""

import os
import site
import sys
import sysconfig

# The bytescope package directory: its frames are the harness's, never the user's.
BYTESCOPE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _norm(path):
    return os.path.normcase(os.path.realpath(path))


def _site_dirs():
    found = set(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    found.update(getattr(site, "getsitepackages", lambda: [])())
    found.add(site.getusersitepackages())
    found.update(p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages"))
    return found


class PathNamer:
    """Classifies and names files for one project directory."""

    def __init__(self, project_dir):
        self.project_dir = _norm(project_dir)
        paths = sysconfig.get_paths()
        # Longest prefix first: a virtualenv's site-packages may sit inside the project or the stdlib directory.
        prefixes = [(_norm(d), "<site-packages>") for d in _site_dirs() if d]
        prefixes += [(_norm(paths[key]), "<stdlib>") for key in ("stdlib", "platstdlib")]
        prefixes.append((_norm(BYTESCOPE_DIR), "<bytescope>"))
        self._prefixes = sorted(set(prefixes), key=lambda item: len(item[0]), reverse=True)
        self._cache = {}

    def _classify(self, filename):
        cached = self._cache.get(filename)
        if cached is not None:
            return cached
        if not filename or filename.startswith("<") or not os.path.isabs(filename):
            result = (None, filename)  # "<string>", "<frozen importlib._bootstrap>", built-ins: as they are
        else:
            real = _norm(filename)
            result = (None, filename.replace(os.sep, "/"))
            for prefix, label in self._prefixes:
                if _within(real, prefix):
                    result = (label, f"{label}/{_relative(real, prefix)}")
                    break
            else:
                if _within(real, self.project_dir):
                    result = ("project", _relative(real, self.project_dir))
        self._cache[filename] = result
        return result

    def name(self, filename):
        """The name results use for ``filename``."""
        return self._classify(filename)[1]

    def is_project(self, filename):
        """True for a source file of the user's project (not stdlib, site-packages or bytescope itself)."""
        return self._classify(filename)[0] == "project"

    def is_foreign(self, filename, tree):
        """True for a source file that is neither in ``tree`` nor installed (stdlib, site-packages, bytescope):
        code that came from another checkout."""
        label, _ = self._classify(filename)
        return label is None and os.path.isabs(filename) and not _within(_norm(filename), _norm(tree))

    def is_harness(self, filename):
        return self._classify(filename)[0] == "<bytescope>"


def _within(path, directory):
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _relative(path, directory):
    return os.path.relpath(path, directory).replace(os.sep, "/")
