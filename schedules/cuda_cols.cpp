// CUDA schedule family "cuda_cols": the columns' form (generators/convt1d_generator.cpp, Stages::cols)
// on the GPU, for layers of few output channels. Every geometry (K, stride, dilation, padding,
// output_padding, groups) is a run-time value.
//
// Why: the phase sums (cuda_phase) read x once a phase, and a block's tile of 8 or 16 channels is
// rounded up past C_out. A separation model's decoder (C_in 512 → C_out 1, K 16, stride 8: tasnet_dec of
// bench/model_layers.csv) then reads its 65 MB of x eight times, more than the L2 holds, and computes 8
// channels for 1: 0.177 ms on the H100 where x's one read takes 0.022 (run 161, NOTES 56 (h)). The
// columns, cols(kc, g, i, b) = Σ_ci w[ci, co_g, k] · x[b, ci, i] with kc = co_g·K + k, take every tap
// of a channel from one read of x: the reduction over input channels is done once for all K taps, and
// each phase's output then adds its few columns.
//
// Kernels (three; four where split):
//   0. the phases' table (Stages::cols_phase: each phase's first tap and offset into x), min(stride, L_out)
//      values, so that the output's kernel does not divide by run-time values for each output.
//   1. the columns into a buffer of their own (B × C_out·K × L_in floats: 2 MB for tasnet_dec, where x is
//      65 MB): a block is tile_l threads along x's positions (one position a thread, the batch rows folded
//      into the positions), reg_co columns (a register tile, the kc loop unrolled) and one group. Per input
//      channel a thread loads one x (a warp 32 consecutive floats: one 128-byte line) and its reg_co weights
//      as reg_co / 4 broadcast 16-byte loads from the block's weights staged in shared memory (reg_co ×
//      C_in / groups floats: 32 KiB at reg_co 16 and C_in 512), for reg_co multiply-adds. unroll_ci input
//      channels' x are loaded together before their multiply-adds: a layer that reads x once is bound by
//      the loads its threads have in flight (B × L_in threads, 32,000 for tasnet_dec). Measured: 7.6 warps an
//      SM, x at a quarter to a third of DRAM's rate (ncu, runs 164-165, NOTES 57).
//      With split_ci, each chunk of input channels a block's partial columns, and 1b. a kernel adding them.
//   2. the output in position order: a thread a position, its phase's landing taps' columns summed
//      from the buffer (consecutive positions read consecutive columns: one line a warp).
#include "cuda_common.h"

namespace convt1d {

using namespace Halide;
using namespace cuda;

void schedule_cuda_cols(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    const int threads = k.tile_l;    // kernel 1's threads a block, along x's positions (and the others' along theirs)
    const int reg_co = k.reg_co;     // columns a thread, in registers
    const int unroll = k.unroll_ci;  // input channels whose x loads are in flight together
    const int chunk = k.split_ci;    // input channels a block of kernel 1 sums (0: all): split-K
    if (threads < 32 || threads > 1024 || reg_co < kVec || reg_co % kVec != 0 || k.reg_l != 1 || unroll < 1 ||
        (chunk > 0 && chunk % unroll != 0)) {
        throw CompileError("cuda_cols schedule: tile_l 32..1024, reg_co a multiple of 4, reg_l 1, unroll_ci >= 1 dividing split_ci");
    }
    if (!s.cols.defined() || !k.stage_w || k.pad_x || k.only || k.stride || k.padding >= 0 || k.taps ||
        k.stage_out || k.phase_taps || k.co_first) {
        throw CompileError("cuda_cols schedule: staged weights, no compiled-in geometry, no pad_x, stage_out, phase_taps or co_first");
    }

    // ---- kernel 1: the columns (with split_ci, each chunk's) ---------------------------------------
    // acc: a thread's reg_co accumulators (registers); cols: the kernel's output, in global memory, the
    // columns innermost (the output's consecutive positions read consecutive columns).
    // Split (split_ci > 0): the sum over input channels in chunks, each chunk's sums a block's (Halide's
    // rfactor: partial columns with a last dimension u, the chunk), so that a layer of one tile of columns
    // has chunks times the warps: tasnet_dec's 32,000 positions made 1,000 warps, 7.6 an SM, which kept
    // 2 MB of x loads in flight and read x at 32 % of DRAM's rate (ncu, H100: 64 us of its 80 us call,
    // NOTES 57). Then kernel 1b adds a position's chunks (reading them: chunks × the columns' bytes, and writing the columns).
    Func acc = s.cols, cols;
    RVar rsum = s.cols_r.x;  // the input channels acc sums
    Var u("u");
    if (chunk > 0) {
        RVar rco("rco"), rci("rci");
        acc = s.cols.update().split(s.cols_r.x, rco, rci, chunk, TailStrategy::GuardWithIf).rfactor(rco, u);
        rsum = rci;
        cols = acc.in(s.cols);
    } else {
        cols = s.cols.in(s.conv);
    }
    const std::vector<Var> ca = cols.args();  // kc, g, i, b[, u]
    const Var kc = ca[0], g = ca[1], i = ca[2], b = ca[3];
    Var kb("kb"), kt("kt"), ib("ib"), it("it"), n("n"), gu("gu");
    // a thread a position, the batch rows folded into the positions (n = b·L_in + i), so that short rows fill
    // whole blocks together (Demucs' first decoder layer: 4 rows of 40 in 2 blocks of 128 threads, not 4
    // blocks of 40 busy threads); the blocks over those, the column tiles and the groups (and chunks)
    cols.compute_root()
        .split(kc, kb, kt, reg_co, TailStrategy::GuardWithIf)
        .fuse(i, b, n)
        .split(n, ib, it, threads, TailStrategy::GuardWithIf);
    if (chunk > 0) {
        cols.fuse(g, u, gu).reorder(kt, it, ib, kb, gu).gpu_blocks(ib, kb, gu);
    } else {
        cols.reorder(kt, it, ib, kb, g).gpu_blocks(ib, kb, g);
    }
    cols.gpu_threads(it).unroll(kt);
    RVar ro("ro"), ri("ri");
    acc.compute_at(cols, it)
        .store_in(MemoryType::Register)
        .bound_extent(kc, reg_co)
        .bound_extent(i, 1)
        .bound_extent(g, 1)
        .bound_extent(b, 1)
        .unroll(kc)
        .vectorize(kc, kVec);
    if (chunk > 0) acc.bound_extent(u, 1);
    acc.update()
        .split(rsum, ro, ri, unroll, TailStrategy::GuardWithIf)
        .reorder(kc, ri, ro)
        .unroll(kc)
        .unroll(ri)
        .vectorize(kc, kVec);
    // a group of unroll_ci input channels' x loaded first, then their multiply-adds: the loads in flight
    // together (cuda_phase's windows the same way: loaded channel by channel, ptxas issued a few at the
    // group's start and the rest among the multiply-adds, each waiting there; NOTES 35). x is read clamped in
    // position and channel (the generator's x_clamped), so a tail group's loads past C_in stay inside x.
    // (the group's extent stated: where C_in / groups < unroll_ci Halide's is min(C_in / groups, unroll_ci), not
    // a constant, and a buffer of that size cannot be registers)
    // Split, the loads stay in the multiply-adds' loop (the chunks' warps hide their latency instead): loaded
    // first, the group's region in x began at a clamp Halide could not fold (its bounds under the chunk's
    // guard), so the registers were indexed by a run-time term and went to local memory (PTX)
    if (chunk == 0) {
        Func xw = s.xz.in(acc);
        const std::vector<Var> xa = xw.args();  // i, ci, b
        xw.compute_at(acc, ro)
            .store_in(MemoryType::Register)
            .bound_extent(xa[0], 1)
            .bound_extent(xa[1], unroll)
            .bound_extent(xa[2], 1);
        for (const Var &v : xa) xw.unroll(v);
    }
    if (chunk > 0) {
        // ---- kernel 1b: a position's columns, its chunks added (a thread a column and position, the columns
        // innermost: consecutive threads read and write consecutive floats)
        Func total = s.cols.in(s.conv);
        const std::vector<Var> ta = total.args();  // kc, g, i, b
        Var f("f"), fb("fb"), ft("ft");
        total.compute_root()
            .fuse(ta[0], ta[2], f)
            .split(f, fb, ft, threads, TailStrategy::GuardWithIf)
            .gpu_blocks(fb, ta[1], ta[3])
            .gpu_threads(ft);
        s.cols.compute_at(total, ft)
            .store_in(MemoryType::Register)
            .bound_extent(kc, 1)
            .bound_extent(i, 1)
            .bound_extent(g, 1)
            .bound_extent(b, 1);
    }

    // ---- the block's weights in shared memory: cols_w(kc, ci), its reg_co columns innermost ------------
    // (16-byte loads of 4 columns, the same address in every lane: a broadcast), loaded by the block's
    // threads over the fused (column, input channel)
    const std::vector<Var> wa = s.cols_w.args();  // kc, ci
    Var t("t"), ti("ti");
    s.cols_w.compute_at(cols, ib)
        .store_in(MemoryType::GPUShared)
        .bound_storage(wa[0], reg_co)
        .bound_extent(wa[0], reg_co)
        .fuse(wa[0], wa[1], t)
        .split(t, t, ti, threads, TailStrategy::GuardWithIf)
        .gpu_threads(ti);

    // ---- kernel 2: the output, a position a thread ----------------------------------------------------
    // its phase's landing taps (⌈K / step⌉: 2 where K = 2·stride) summed from the columns, the tap loop
    // unrolled where it is the constant 2
    Var lb("lb"), lt("lt");
    s.out.compute_root()
        .split(s.l, lb, lt, threads, TailStrategy::GuardWithIf)
        .gpu_blocks(lb, s.co, s.b)
        .gpu_threads(lt);
    s.conv.compute_at(s.out, lt)
        .store_in(MemoryType::Register)
        .bound_extent(s.q, 1)
        .bound_extent(s.p, 1)
        .bound_extent(s.co, 1)
        .bound_extent(s.b, 1);
    // (one group: the column's channel and group without a division each a tap)
    s.conv.update().specialize(s.groups == 1 && s.two_taps).unroll(s.r.x);
    s.conv.update().specialize(s.groups == 1);
    s.conv.update().specialize(s.two_taps).unroll(s.r.x);
    // ---- the phases' table (cols_phase: first tap and offset into x), a kernel of min(stride, L_out) values ----
    Var tb("tb"), tt("tt");
    s.cols_phase.compute_root().split(s.p, tb, tt, 64, TailStrategy::GuardWithIf).gpu_blocks(tb).gpu_threads(tt);
}

}  // namespace convt1d
