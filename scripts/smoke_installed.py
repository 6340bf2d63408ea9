"""Smoke test of the installed package (run by scripts/smoke-installed, from a temporary
folder, with the Python of the environment the wheel was installed into).

    python smoke_installed.py WHEEL SDIST CHECKOUT

Checks what the artifacts hold, then runs the installed ``dr-designer`` as a user
would: --version, check, simulate, export, python -OO, a broken installation (its
catalog removed: exit 3 and one line, no findings), and the GUI offscreen through the
console command's own function (F5, a site clicked, the window grabbed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

WHEEL, SDIST, CHECKOUT = (Path(a) for a in sys.argv[1:4])
BIN = Path(sys.executable).parent
DR = str(BIN / "dr-designer")
HERE = Path.cwd()
started = time.perf_counter()


def step(text: str) -> None:
    print(f"smoke: {text}", flush=True)


def run(*args: str, expect: int = 0, **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)  # type: ignore[call-overload]
    if done.returncode != expect:
        sys.exit(
            f"smoke: FAILED: {' '.join(args)} exited {done.returncode}, not {expect}\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    return done


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"smoke: FAILED: {what}")


# -- the artifacts ------------------------------------------------------------------------
names = set(zipfile.ZipFile(WHEEL).namelist())
for wanted in (
    "designer/resources/catalog/timings.json",
    "designer/resources/catalog/capacity.json",
    "designer/resources/icons/dr-designer.svg",
    "designer/resources/icons/site.svg",
    "designer/resources/desktop/dr-designer.desktop",
    "designer/resources/desktop/dr-designer.xml",
    "designer/sample_designs/three_site_stretched_dag.json",
    "designer/docs/rules.md",
    "designer/py.typed",
):
    check(wanted in names, f"the wheel lacks {wanted}")
check(
    not [
        n
        for n in names
        if n.startswith("designer/sample_designs/") and n.endswith(".py") and "__init__" not in n
    ],
    "the wheel ships the sample builder scripts",
)
with tarfile.open(SDIST) as archive:
    members = {m.split("/", 1)[-1] for m in archive.getnames()}
for wanted in ("setup.py", "resources/catalog/timings.json", "sample_designs/dag_with_ha.json"):
    check(wanted in members, f"the sdist lacks {wanted}")
step(f"the wheel and the sdist hold the catalog, icons, desktop files and samples ({WHEEL.name})")

# -- the installed commands, from a folder away from the checkout ------------------------------
located = run(sys.executable, "-c", "import designer; print(designer.__file__)").stdout
check(
    CHECKOUT.resolve() not in Path(located.strip()).resolve().parents,
    "designer came from the checkout",
)
version = WHEEL.name.split("-")[1]
check(run(DR, "--version").stdout == f"dr-designer {version}\n", "--version")
sample = Path(
    run(sys.executable, "-c", "from designer.bundled import sample; print(sample())").stdout.strip()
)
design = HERE / "three site.json"
shutil.copyfile(sample, design)
checked = run(DR, "check", str(design))
check(
    "INT001" not in checked.stdout and checked.stdout.endswith("0 errors, 0 warnings, 0 info\n"),
    "check",
)
# 0.1.0's console script called designer.cli.main:main; scripts it generated still work.
legacy = "import sys; from designer.cli.main import main; sys.exit(main())"
check(run(sys.executable, "-c", legacy, "check", str(design)).stdout == checked.stdout, "0.1 entry")
simulated = run(DR, "simulate", str(design), "--fail", "Boston")
check("Mailboxes: 8,000 of 8,000 available" in simulated.stdout, "simulate --fail Boston")
cut = run(DR, "analyze", str(design), "--cut-sets", "--order", "2")
check("Boston + Hartford" in cut.stdout, "analyze --cut-sets")
bare = run(DR, "availability", str(design), expect=2)
check("gives no failure figures" in bare.stderr, "availability without figures")
run(DR, "export", str(design), "-o", str(HERE / "three-site.png"))
check((HERE / "three-site.png").read_bytes().startswith(b"\x89PNG"), "export wrote no PNG")
sized = run(DR, "capacity", str(design), "--format", "json")
check('"links"' in sized.stdout and '"hours_to_full"' in sized.stdout, "capacity")
renamed = run(DR, "rename", str(design), "--replace", "BOS", "NYC", "-o", str(HERE / "nyc.json"))
check(renamed.stdout.endswith(f"44 names changed, written to {HERE / 'nyc.json'}\n"), "rename")
check('"NYC-MBX01"' in (HERE / "nyc.json").read_text(encoding="utf-8"), "rename wrote no NYC-MBX01")
plain = run(sys.executable, "-m", "designer", "rules", "--format", "markdown").stdout
check(
    run(sys.executable, "-OO", "-m", "designer", "rules", "--format", "markdown").stdout == plain,
    "-OO",
)
step(
    "--version, check (also through 0.1.0's entry point), simulate, cut sets, capacity, rename,"
    " export"
    " and -OO work from another folder"
)

# -- a broken installation: its catalog gone ---------------------------------------------------
broken = HERE / "broken"
shutil.copytree(Path(located.strip()).parent, broken / "designer")
(broken / "designer" / "resources" / "catalog" / "timings.json").unlink()
failed = run(
    sys.executable,
    "-m",
    "designer",
    "check",
    str(design),
    expect=3,
    env={"PYTHONPATH": str(broken), "PATH": "/usr/bin:/bin"},
)
check("INT001" not in failed.stdout and failed.stdout == "", "a missing catalog gave findings")
check(
    failed.stderr.count("\n") == 1 and "rule catalog is missing" in failed.stderr, "one clear line"
)
step("a missing catalog is exit 3 with one line, never design findings")

# -- the window, offscreen, through the console command's function ------------------------------
GUI = r"""
import sys
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from designer.entry import main
from designer.ui.icons import icon_image
from designer.ui.main_window import MainWindow

app = QApplication(sys.argv[:1])
problems = []
NONE = Qt.KeyboardModifier.NoModifier

def user():
    try:
        (window,) = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        scene = window.view.design_scene
        if "site-bos" not in scene.nodes:
            problems.append("the bundled sample did not open")
        image = icon_image("site")
        drawn = sum(image.pixelColor(x, y).alpha() > 0 for x in range(48) for y in range(48))
        if image.isNull() or drawn < 50:
            problems.append("no element icons")
        if window.windowIcon().isNull():
            problems.append("no window icon")
        window.activateWindow()
        QApplication.setActiveWindow(window)
        window.view.setFocus()
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
        rect = scene.rect_of("site-bos")
        window.view.ensureVisible(rect, 10, 10)
        point = window.view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
        QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, NONE, point)
        state = window.simulation.controller.state()
        shown = window.simulation.overlay.isVisible()
        if state is None or "site-bos" not in state.failed or not shown:
            problems.append("F5 and a click did not fail Boston")
        window.grab().save("window.png")
    except Exception as exc:
        problems.append(repr(exc))
    finally:
        window.close()

QTimer.singleShot(300, user)
code = main(["gui"])
print("\n".join(problems) or "ok")
sys.exit(code or bool(problems))
"""
gui = run(sys.executable, "-c", GUI)
check(gui.stdout.strip().endswith("ok"), f"GUI smoke: {gui.stdout}")
check((HERE / "window.png").stat().st_size > 20_000, "the window grab is empty")
took = time.perf_counter() - started
step(f"the window opens the bundled sample offscreen; F5 and a click fail Boston ({took:.1f} s)")
