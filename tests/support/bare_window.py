"""The baseline the start-up benchmarks are timed against: a bare PySide6 window, launched in a
fresh interpreter, that reports when it is painted and its own peak memory."""

# Each child's own peak: VmHWM of its own address space. (getrusage's ru_maxrss is not it: Linux
# carries the parent's high-water mark across fork + exec, so every child reported pytest's.)
PEAK = r"""
def own_peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

WINDOW = r"""
import json, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(["bare"])
window = QMainWindow()
window.resize(1093, 614)
window.show()
app.processEvents()
window.grab()
"""
REPORT = r"""
print(json.dumps({"ready": time.time(),
                  "peak_kib": own_peak_kib()}))
"""
BARE = PEAK + WINDOW + REPORT
