// CUDA schedule family "cuda_tile" (prototype): an SGEMM-like block. The input channels are taken
// in chunks; per chunk the block stages x's window and the weights in shared memory, and each
// thread accumulates a reg_l × reg_co register tile from shared loads only. Halide 21 cannot keep a
// multi-warp block's accumulators in registers across the chunk loop (NOTES, "What bounds it now"),
// so the reduction over chunks is factored out (rfactor): a thread's tile of one chunk lives in
// registers, and is added into the block's accumulator in shared memory once per chunk.
#include "cuda_common.h"

#include <algorithm>

namespace convt1d {

using namespace Halide;
using namespace cuda;

void schedule_cuda_tile(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    const int tx = k.tile_l;      // threads along L (thread.x)
    const int ty = 8;             // threads along C_out (thread.y)
    const int threads = tx * ty;
    const int reg_l = k.reg_l;    // consecutive output positions per thread (reg_l / stride per phase)
    const int reg_co = k.reg_co;  // consecutive output channels per thread
    const int chunk = k.unroll_ci;  // input channels staged per step
    const int S = k.stride;
    if (S < 1 || reg_l % S != 0) throw CompileError("cuda_tile: needs a compiled-in stride dividing reg_l");
    const int reg_q = reg_l / S;
    const int pos_b = tx * reg_l;  // output positions per block
    const int co_b = ty * reg_co;  // output channels per block

    Var lb("lb"), li("li"), lo("lo"), lx("lx"), cb("cb"), cc("cc"), cr("cr"), cy("cy");
    Var qt("qt"), qr("qr"), ct("ct"), u("u");

    // ---- out: blocks of pos_b positions × co_b channels; a thread copies from the accumulator --
    s.out.compute_root()
        .split(s.l, lb, li, pos_b, TailStrategy::GuardWithIf)
        .split(s.co, cb, cc, co_b, TailStrategy::GuardWithIf)
        .split(li, lo, lx, tx, TailStrategy::GuardWithIf)
        .split(cc, cr, cy, ty, TailStrategy::GuardWithIf)
        .reorder(lo, cr, lx, cy, lb, cb, s.b)
        .gpu_blocks(lb, cb, s.b)
        .gpu_threads(lx, cy);

    // ---- the block's accumulator in shared memory: bias, then one add per chunk ---------------
    s.conv.compute_at(s.out, lb)
        .store_in(MemoryType::GPUShared)
        .bound_extent(s.q, tx * reg_q)
        .bound_extent(s.p, S)
        .bound_extent(s.co, co_b)
        .reorder_storage(s.p, s.q, s.co, s.b)
        .split(s.q, qt, qr, reg_q)
        .split(s.co, ct, cr, reg_co)
        .reorder(s.p, qr, cr, qt, ct)
        .gpu_threads(qt, ct)
        .unroll(s.p)
        .unroll(qr)
        .unroll(cr);

    RVar j = s.r.x, rci = s.r.y, k_lo = s.r.z;
    RVar rci_o("rci_o"), rci_i("rci_i");
    s.conv.update().split(rci, rci_o, rci_i, chunk, TailStrategy::GuardWithIf);
    Func part = s.conv.update().rfactor(rci_o, u);

    Var pq("pq");
    s.conv.update()
        .split(s.q, qt, qr, reg_q)
        .split(s.co, ct, cr, reg_co)
        .reorder(s.p, qr, cr, qt, ct, rci_o)
        .gpu_threads(qt, ct)
        .fuse(s.p, qr, pq)
        .vectorize(pq, std::min(reg_l, kVec))
        .unroll(pq)
        .unroll(cr);

    // ---- a thread's tile of one chunk, in registers ---------------------------------------------
    part.compute_at(s.conv, qt)
        .store_in(MemoryType::Register)
        .reorder(s.co, s.p, s.q)
        .vectorize(s.co, kVec)
        .unroll(s.co)
        .unroll(s.p)
        .unroll(s.q);
    part.update()
        .reorder(s.co, s.q, s.p, j, rci_i, k_lo)
        .vectorize(s.co, kVec)
        .unroll(s.co)
        .unroll(s.q)
        .unroll(s.p);

    // ---- the chunk's x window and weights, staged by the whole block ----------------------------
    Var t("t"), tt("tt"), tox("tox"), toy("toy");
    Func xs = s.xz.in(part);
    xs.compute_at(s.conv, rci_o)
        .store_in(MemoryType::GPUShared)
        .fuse(_0, _1, t)
        .split(t, t, tt, threads, TailStrategy::GuardWithIf)
        .split(tt, toy, tox, tx)
        .reorder(t, tox, toy, _2)
        .gpu_threads(tox, toy);
    Func ws = s.wz.in(part);
    ws.compute_at(s.conv, rci_o)
        .store_in(MemoryType::GPUShared)
        .bound_storage(_1, co_b)
        .reorder_storage(_1, _0, _2)
        .fuse(_1, _0, t)
        .fuse(t, _2, t)
        .split(t, t, tt, threads, TailStrategy::GuardWithIf)
        .split(tt, toy, tox, tx)
        .reorder(t, tox, toy)
        .gpu_threads(tox, toy);

    // One group only: the grouped problems go to the other families.
    s.out.specialize(s.groups == 1);
    s.out.specialize_fail("this variant computes groups == 1 only");
}

}  // namespace convt1d
