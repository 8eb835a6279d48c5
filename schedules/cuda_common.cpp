// The pieces of schedules/cuda_common.h.
#include "cuda_common.h"

#include <algorithm>

namespace convt1d::cuda {

using namespace Halide;

void specialise_tap_loop(Stages &s, const Knobs &k) {
    RVar j = s.r.x;
    if (k.only) {
        // The geometry is compiled into the math: nothing to specialise on, the tap loop has K steps.
        s.conv.update().unroll(j);
        return;
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
}

Func transposed_weights(Stages &s) {
    Var wc("wc"), wi("wi");
    // ---- weights, transposed to (co, k, ci) with co innermost, once per call -----------------------
    // C_in·C_out/groups·K floats (40 KiB for kb74): a small kernel of its own ahead of the main one.
    Func wt = s.wz.in(s.conv);
    wt.compute_root()
        .reorder_storage(_1, _0, _2)
        .align_storage(_1, kVec)
        .split(_1, wc, wi, 32, TailStrategy::GuardWithIf)
        .reorder(wi, _0, wc, _2)
        .gpu_blocks(wc, _2)
        .gpu_threads(wi);
    return wt;
}

void pad_x(Stages &s, const Knobs &k) {
    // x zero-extended into a buffer of its own by a kernel ahead of the main one: one more pass
    // over x (2 × its bytes), after which the inner loop's x loads carry no boundary test.
    Var xl("xl"), xi("xi");
    const std::vector<Var> a = s.xz.args();
    s.xz.compute_root();
    if (k.only || k.phase_taps > 0) {
        // Rows a multiple of 4 floats, and the buffer's first position ≡ the windows' first modulo 4 (a
        // thread's first position is a multiple of 4), so every window of x starts on a 16-byte
        // boundary: for a compiled-in geometry its window's offset (schedules/cuda.cpp), for a
        // phase_taps class 0 (its windows start at a thread's own position, schedules/cuda_phase.cpp).
        const int first = k.only ? ((x_window(k, k.reg_l).first % kVec) + kVec) % kVec : 0;
        s.xz.align_bounds(a[0], kVec, first).align_storage(a[0], kVec);
    }
    // x's folded rows (phase_taps: the generator's xrows, a slot's row by a division by the run-time
    // pitch) 4 consecutive slots a thread, unrolled: one a thread, the pass ran at 38-41 % of DRAM's
    // rate, bound by that arithmetic (ncu, H200 run 89: dac_up4 0.34 ms where its bytes take 0.16, 77
    // instructions a slot; the whole calls with this and the output's kernel at 4 a thread:
    // schedules/cuda_phase.cpp). Other x copies one element a thread.
    const int per_thread = k.phase_taps > 0 ? 4 : 1;
    Var xu("xu");
    s.xz.split(a[0], xl, xi, 256 * per_thread, TailStrategy::GuardWithIf);
    if (per_thread > 1) s.xz.split(xi, xi, xu, per_thread, TailStrategy::GuardWithIf).unroll(xu);
    s.xz.gpu_threads(xi);
    if (a.size() == 3) {
        s.xz.gpu_blocks(xl, a[1], a[2]);
    } else {
        s.xz.gpu_blocks(xl, a[1]);  // x's batch rows folded into one (phase_taps, the generator)
        // at dilation 1 the copy's rows are x's own; at others, dx rows a batch row by the residue of the taps'
        // step in x (the generator's xrows): a division by that run-time step for each group of 4 slots, and
        // x read dx apart, in a branch of its own
        s.xz.specialize(s.dilation == 1);
    }
}

Window x_window(const Knobs &k, int reg_l) {
    // The math's index (generators/convt1d_generator.cpp): output q·S + p reads x at
    // q + (p + padding − k_lo·dil) / S − j·step·dil / S for the landing k_lo of phase p and its taps j.
    const int S = std::max(k.stride, 1), dil = k.dil, step = tap_step(k);
    const int reg_q = std::max(reg_l / S, 1);
    int lo = 1 << 30, hi = -(1 << 30);
    for (int p = 0; p < S; ++p) {
        for (int k_lo = 0; k_lo < std::min(step, k.taps); ++k_lo) {
            const int t = p + k.padding - k_lo * dil;
            if (t % S != 0) continue;  // no tap of this residue lands on phase p
            const int c = t / S;       // exact
            lo = std::min(lo, c - (taps_per_phase(k) - 1) * tap_x_step(S, dil));
            hi = std::max(hi, c + reg_q - 1);
        }
    }
    if (lo > hi) throw CompileError("x_window: no tap lands on any phase of this geometry");
    return {lo, hi - lo + 1};
}

void stage_weights(Func wt, Stages &s, const Var &block, int reg_co, int taps, int threads, bool lanes) {
    // The block's reg_co channels × K taps × C_in/groups channels of weights in shared memory,
    // so that a thread's reg_co weights of a tap are reg_co/4 broadcast 16-byte shared loads
    // (global loads of the same data stay scalar: Halide cannot prove their alignment).
    Var t("t"), ti("tl");  // the name of the thread loop it shares with the main computation
    Func staged = wt.in(s.conv);
    staged.compute_at(s.out, block)
        .store_in(MemoryType::GPUShared)
        .bound_storage(_1, reg_co)
        .bound_extent(_1, reg_co)  // always reg_co channels (past C_out, the zero-extended weights)
        .reorder_storage(_1, _0, _2);
    if (taps > 0) {
        // A tap count known at compile time (the taps the math reaches, K rounded up to whole
        // steps): one loop over (channel, tap, input channel), its fused index split back by
        // constants.
        staged.bound(_0, 0, taps).fuse(_1, _0, t).fuse(t, _2, t);
    } else {
        // K at run time: the taps loop outside, the threads over (channel, input channel), whose
        // fused index splits by the constant reg_co. (The three dimensions fused paid three integer
        // divisions per staged value, 104 SASS instructions: 14 % of kb74's in-place kernel, and
        // more where C_in is larger; SASS of run 68. Without them, both branches: kb74 2.63 -> 2.28
        // ms, kb64 12.3 -> 10.3, wide 2.44 -> 1.88, stride4 1.33 -> 1.07, kb79 2.28 -> 2.12; run69.)
        staged.reorder(_1, _2, _0).fuse(_1, _2, t);
    }
    staged.split(t, t, ti, threads, TailStrategy::GuardWithIf);
    if (lanes) {
        staged.gpu_lanes(ti);
    } else {
        staged.gpu_threads(ti);
    }
}

}  // namespace convt1d::cuda
