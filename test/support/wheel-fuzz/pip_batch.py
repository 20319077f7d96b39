"""pip's own unpacking of many wheels in one process: the wheel fuzzer's reference.

For each request line (JSON: wheel, target, name, version) it runs what `pip install
--no-deps --target TARGET --no-compile` runs for a wheel the resolver chose from an index:
the resolver's metadata consistency check (the wheel's metadata names the requested
distribution and version), pip's install_wheel into a home scheme in a temporary folder
(requested, no direct_url, no bytecode), then pip's own InstallCommand._handle_target_dir,
which moves it into the target. One answer line per request: {"ok": true} or {"ok": false,
"error": "..."}. Starting pip once per wheel would cost ~0.3 s each; this costs a few ms.
"""

import json
import logging
import shutil
import sys
import tempfile
import traceback

from pip._internal.commands.install import InstallCommand
from pip._internal.exceptions import PipError
from pip._internal.locations import get_scheme
from pip._internal.metadata import FilesystemWheel, get_wheel_distribution
from pip._internal.operations.install.wheel import install_wheel
from pip._vendor.packaging.utils import canonicalize_name
from pip._vendor.packaging.version import Version

logging.disable(logging.CRITICAL)


class _Temp:
    def __init__(self, path):
        self.path = path


def install(wheel, target, name, version):
    canonical = canonicalize_name(name)
    dist = get_wheel_distribution(FilesystemWheel(wheel), canonical)
    if dist.canonical_name != canonical or dist.version != Version(version):
        raise PipError(f"inconsistent metadata: {dist.canonical_name} {dist.version}")
    temp = tempfile.mkdtemp(prefix="pip-target-")
    try:
        scheme = get_scheme(name, home=temp)
        install_wheel(
            name,
            wheel,
            scheme=scheme,
            req_description=f"{name}=={version}",
            pycompile=False,
            warn_script_location=False,
            direct_url=None,
            requested=True,
        )
        InstallCommand._handle_target_dir(None, target, _Temp(temp), False)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


for line in sys.stdin:
    request = json.loads(line)
    try:
        install(request["wheel"], request["target"], request["name"], request["version"])
        answer = {"ok": True}
    except Exception as error:  # pip's refusal, whatever its class: the case's outcome
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        answer = {"ok": False, "error": last[:500]}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
