"""`import toolkit` time (budget 0.3 s), measured in fresh processes."""
import subprocess
import sys

from _common import emit

CODE = "import time; t = time.perf_counter(); import toolkit; print(time.perf_counter() - t)"
runs = [float(subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                             check=True).stdout) for _ in range(5)]
best = min(runs)
print(f"import toolkit: best of 5 = {best * 1000:.0f} ms")
emit([{"benchmark": "import toolkit", "toolkit": round(best, 3), "reference": None,
       "reference_s": None, "ratio": None, "peak_mb": None, "target": "<= 0.3 s", "ok": best <= 0.3}])
