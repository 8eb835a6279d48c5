# Sourced by the other scripts: where the project-local toolchain lives.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
HALIDE_PKG="$("$VENV/bin/python" -c 'import halide, os; print(os.path.dirname(halide.__file__))' 2>/dev/null || true)"
export PATH="$VENV/bin:$PATH"
CMAKE_ARGS=(-G Ninja -DHalide_DIR="$HALIDE_PKG/lib64/cmake/Halide" -DHalideHelpers_DIR="$HALIDE_PKG/lib64/cmake/HalideHelpers")
