// CPU schedule family "cpu_phase": the closed form (generators/convt1d_generator.cpp) on the CPU,
// every geometry at run time. Phase planes first — per (channel block, phase, batch row) a task,
// vectors along the phase's positions q (x's index steps by one along q), taps and input channels
// inside — then the output in position order. The same math as the general CUDA family, so the
// CPU tests check it here.
#include "schedule.h"

namespace convt1d {

using namespace Halide;

void schedule_cpu_phase(const Target &target, Stages &s, const Knobs &) {
    // ---- search space -------------------------------------------------------------------
    const int vec = target.natural_vector_size<float>();  // 8 floats in a ymm register
    const int vecs_q = 2;                                  // 2 vectors along q ...
    const int tile_co = 4;                                 // ... × 4 channels = 8 accumulators
    Var qo("qo"), qi("qi"), coo("coo"), coi("coi"), t("t"), lo("lo"), li("li");
    RVar m = s.r.x, ci = s.r.y, rz = s.r.z;

    Func planes = s.conv.in(s.out);
    planes.compute_root()
        .split(s.q, qo, qi, vec * vecs_q, TailStrategy::GuardWithIf)
        .split(s.co, coo, coi, tile_co, TailStrategy::GuardWithIf)
        .reorder(qi, coi, qo, coo, s.p, s.b)
        .vectorize(qi, vec)
        .unroll(coi)
        .fuse(coo, s.p, t)
        .fuse(t, s.b, t)
        .parallel(t);
    s.conv.compute_at(planes, qo)
        .vectorize(s.q, vec)
        .unroll(s.co);
    s.conv.update()
        .reorder(s.q, s.co, m, ci, rz)
        .vectorize(s.q, vec)
        .unroll(s.q)
        .unroll(s.co);
    s.conv.update().specialize(s.groups == 1);

    s.out.compute_root()
        .split(s.l, lo, li, vec, TailStrategy::GuardWithIf)
        .vectorize(li)
        .fuse(s.co, s.b, t)
        .parallel(t);
}

}  // namespace convt1d
