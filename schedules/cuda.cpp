// CUDA schedule family. Threads run along L, one output position each; a thread accumulates
// reg_co consecutive output channels in registers.
//
//   * A warp's 32 threads read 32 consecutive x values per tap (one coalesced load) and store 32
//     consecutive outputs per channel (one coalesced store): no shared-memory staging is needed,
//     so no problem size is too large for a block.
//   * Every thread of a warp needs the same weights. They are transposed once per call into a
//     (channel innermost) copy, so a thread's reg_co weights for a tap are reg_co/4 uniform
//     16-byte loads: broadcasts served from L1.
//   * The boundary test on x is one select per (tap, input channel), paid once for reg_co FMAs.
//
// Budget per (input channel, tap) and warp (H100: one L1 wavefront per clock per SM, four
// FMA warp-instructions per clock per SM): 1–2 wavefronts for x + reg_co/4 for the weights
// against reg_co FMA instructions. reg_co = 32 gives 10 wavefronts for 32 FMAs, near balance;
// 32 accumulators leave room for 2 blocks of 256 threads per SM.
#include "schedule.h"

namespace convt1d {

using namespace Halide;

void schedule_cuda(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    const int tile_l = k.tile_l;  // threads per block along L (32..1024)
    const int reg_l = k.reg_l;    // consecutive output positions per thread (1..4): the weights of a
                                  // tap are loaded once for reg_l positions; with reg_l = stride every
                                  // lane of a warp is in the same phase, so the k_lo test is uniform
    const int reg_co = k.reg_co;  // output channels per thread, in registers (4..64)
    const int vec = 4;            // weights per load: 16 bytes
    if (tile_l < 32 || tile_l > 1024 || reg_co < vec || reg_co % vec != 0 || reg_l < 1) {
        throw CompileError("cuda schedule: tile_l must be 32..1024, reg_co a multiple of 4, reg_l >= 1");
    }

    Var lb("lb"), tl("tl"), lr("lr"), cb("cb"), cr("cr"), wc("wc"), wi("wi");
    RVar j = s.r.x, rci = s.r.y, k_lo = s.r.z;

    // ---- blocks of tile_l·reg_l positions × reg_co channels × one batch row -------------------
    s.out.compute_root()
        .split(s.l, lb, tl, tile_l * reg_l, TailStrategy::GuardWithIf)
        .split(tl, tl, lr, reg_l, TailStrategy::GuardWithIf)
        .split(s.co, cb, cr, reg_co, TailStrategy::GuardWithIf)
        .reorder(cr, lr, tl, lb, cb, s.b)
        .gpu_blocks(lb, cb, s.b)
        .gpu_threads(tl)
        .unroll(lr)
        .unroll(cr);

    // ---- reg_l × reg_co accumulators per thread ------------------------------------------------
    s.conv.compute_at(s.out, tl)
        .store_in(MemoryType::Register)
        .bound_extent(s.l, reg_l)
        .bound_extent(s.co, reg_co)
        .reorder(s.co, s.l)
        .unroll(s.co)
        .unroll(s.l);
    RVar rci_o("rci_o"), rci_i("rci_i");
    s.conv.update()
        .split(rci, rci_o, rci_i, k.unroll_ci, TailStrategy::GuardWithIf)
        .reorder(s.co, s.l, rci_i, j, rci_o, k_lo)
        .unroll(s.co)
        .unroll(s.l)
        .unroll(rci_i);  // unroll_ci independent x loads in flight per tap: latency, not issue, binds
    if (k.stage_w) {
        // 16-byte shared loads of the weights need the channel loop as 4-wide vectors; with global
        // weights the vectors only add packing moves (the loads stay scalar), so they stay unrolled.
        s.conv.vectorize(s.co, vec);
        s.conv.update().vectorize(s.co, vec);
    }
    if (k.taps > 0) {
        // Filter length and dilation compiled in: the tap loop is unrolled with x's index known up
        // to one base, so position p of tap j and position p + dil of tap j + 1 read the same x,
        // and a thread's reg_l positions × taps taps need reg_l + (taps − 1)·dil x loads per input
        // channel instead of reg_l·taps (kb64, 3 taps dilation 1, reg_l 4: 6 instead of 12).
        // Measured on kb64, 4 × 8 block, unroll_ci 4, 255 registers: 15.6 ms with it, 20.0 without.
        const int dil = std::max(k.dil, 1);
        s.conv.update()
            .specialize(s.stride == 1 && s.groups == 1 && s.K == k.taps && s.dilation == dil)
            .unroll(j);
    }
    // One group: the channels of a thread share their x value (one load for reg_co FMAs) and the
    // weight index is the channel itself (aligned vectors). Stride 1: no phase test.
    s.conv.update().specialize(s.stride == 1 && s.groups == 1);
    s.conv.update().specialize(s.groups == 1);
    if (k.ungrouped) {
        // The grouped loop nest needs a channel division and an x load per accumulator, and a
        // kernel's register count is its hungriest branch's: leave it to the grouped variants
        // (reg_co 32: 255 registers with spills with it, far fewer without; see docs/NOTES.md).
        s.conv.update().specialize_fail("this variant computes groups == 1 only");
    }

    // ---- weights, transposed to (co, k, ci) with co innermost, once per call -----------------------
    // C_in·C_out/groups·K floats (40 KiB for kb74): a small kernel of its own ahead of the main one.
    Func wt = s.wz.in(s.conv);
    wt.compute_root()
        .reorder_storage(_1, _0, _2)
        .align_storage(_1, vec)
        .split(_1, wc, wi, 32, TailStrategy::GuardWithIf)
        .reorder(wi, _0, wc, _2)
        .gpu_blocks(wc, _2)
        .gpu_threads(wi);

    if (k.pad_x) {
        // x zero-extended into a buffer of its own by a kernel ahead of the main one: one more pass
        // over x (2 × its bytes), after which the inner loop's x loads carry no boundary test.
        Var xl("xl"), xi("xi");
        const std::vector<Var> a = s.xz.args();
        s.xz.compute_root()
            .split(a[0], xl, xi, 256, TailStrategy::GuardWithIf)
            .gpu_blocks(xl, a[1], a[2])
            .gpu_threads(xi);
    }

    if (k.stage_w) {
        // The block's reg_co channels × K taps × C_in/groups channels of weights in shared memory,
        // so that a thread's reg_co weights of a tap are reg_co/4 broadcast 16-byte shared loads
        // (global loads of the same data stay scalar: Halide cannot prove their alignment).
        Var t("t");
        wt.in(s.conv)
            .compute_at(s.out, lb)
            .store_in(MemoryType::GPUShared)
            .bound_storage(_1, reg_co)
            .reorder_storage(_1, _0, _2)
            .fuse(_1, _0, t)
            .fuse(t, _2, t)
            .split(t, t, tl, tile_l, TailStrategy::GuardWithIf)
            .gpu_threads(tl);
    }
}

}  // namespace convt1d
