"""Builds tether._tether against the installed libtether, found through
pkg-config (set PKG_CONFIG_PATH to the prefix's lib/pkgconfig)."""

import os
import shlex
import subprocess
import sys

from setuptools import Extension, setup


def pkg_config(*args: str) -> list:
    try:
        out = subprocess.run(
            ["pkg-config", *args, "tether"], check=True, capture_output=True, text=True
        ).stdout
    except FileNotFoundError:
        sys.exit("setup.py: pkg-config is not installed; it finds libtether")
    except subprocess.CalledProcessError as e:
        sys.exit(
            "setup.py: pkg-config cannot find tether (" + e.stderr.strip() + "); "
            "set PKG_CONFIG_PATH to the lib/pkgconfig folder of tether's install prefix"
        )
    return shlex.split(out)


def flags(prefix: str, words: list) -> list:
    return [w[len(prefix):] for w in words if w.startswith(prefix)]


cflags = pkg_config("--cflags")
libs = pkg_config("--libs")
library_dirs = flags("-L", libs)

tether_ext = Extension(
    "tether._tether",
    sources=[
        "ext/module.c",
        "ext/core.c",
        "ext/queue.c",
        "ext/log.c",
        "ext/buffer.c",
        "ext/view.c",
    ],
    depends=["ext/ext.h"],
    include_dirs=flags("-I", cflags),
    library_dirs=library_dirs,
    libraries=flags("-l", libs),
    # Found at run time where pkg-config found it at build time.
    runtime_library_dirs=library_dirs,
    extra_compile_args=["-std=gnu11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
)

# TETHER_PY_BUILD_DIR keeps setuptools' build and egg-info folders out of
# the source tree.
options = {}
build_dir = os.environ.get("TETHER_PY_BUILD_DIR")
if build_dir:
    os.makedirs(build_dir, exist_ok=True)
    options = {"build": {"build_base": build_dir}, "egg_info": {"egg_base": build_dir}}

setup(ext_modules=[tether_ext], options=options)
