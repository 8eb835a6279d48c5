// CUDA schedule family. Threads run along L, one output position each; a thread accumulates
// reg_co consecutive output channels in registers.
//
//   * A warp's 32 threads read 32 consecutive x values per tap (one coalesced load) and store 32
//     consecutive outputs per channel (one coalesced store) where a thread has one position; with
//     reg_l positions per thread, stage_out passes the block's outputs through shared memory so that
//     the stores stay coalesced (below).
//   * Every thread of a warp needs the same weights. They are transposed once per call into a
//     (channel innermost) copy, so a thread's reg_co weights for a tap are reg_co/4 uniform
//     16-byte loads: broadcasts served from L1.
//   * The boundary test on x is one select per (tap, input channel), paid once for reg_co FMAs.
//
// Budget per (input channel, tap) and warp (H100: one L1 wavefront per clock per SM, four
// FMA warp-instructions per clock per SM): 1–2 wavefronts for x + reg_co/4 for the weights
// against reg_co FMA instructions. reg_co = 32 gives 10 wavefronts for 32 FMAs, near balance;
// 32 accumulators leave room for 2 blocks of 256 threads per SM.
#include "cuda_common.h"

namespace convt1d {

using namespace Halide;
using namespace cuda;

void schedule_cuda(const Target &, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    const int tile_l = k.tile_l;  // threads per block along L (32..1024)
    const int reg_l = k.reg_l;    // consecutive output positions per thread (1..8): the weights of a
                                  // tap are loaded once for reg_l positions (reg_l/stride of a phase)
    const int reg_co = k.reg_co;  // output channels per thread, in registers (4..64)
    const int vec = kVec;
    if (tile_l < 32 || tile_l > 1024 || reg_co < vec || reg_co % vec != 0 || reg_l < 1) {
        throw CompileError("cuda schedule: tile_l must be 32..1024, reg_co a multiple of 4, reg_l >= 1");
    }

    Var lb("lb"), tl("tl"), lr("lr"), cb("cb"), cr("cr");
    RVar j = s.r.x, rci = s.r.y, k_lo = s.r.z;

    const int S = k.stride;
    if (S > 0 && reg_l % S != 0) throw CompileError("cuda schedule: the compiled-in stride must divide reg_l");
    if (k.stage_out == 2 && S == 0) {
        throw CompileError("cuda schedule: stage_out 2 (phase planes) needs a compiled-in stride");
    }

    // ---- blocks of tile_l·reg_l positions × reg_co channels × one batch row -------------------
    // tile_l threads × reg_l positions each: consecutive (a thread accumulates and stores them), or
    // with stage_out tile_l apart (a warp's lanes store consecutive positions). The accumulators are
    // computed at the thread loop `host_thread` of `host`: out's own, or with stage_out that of a
    // block-level copy in shared memory (below).
    s.out.compute_root().split(s.l, lb, tl, tile_l * reg_l, TailStrategy::GuardWithIf);
    if (k.stage_out) {
        s.out.split(tl, lr, tl, tile_l, TailStrategy::GuardWithIf);
    } else {
        s.out.split(tl, tl, lr, reg_l, TailStrategy::GuardWithIf);
    }
    // With staged outputs, out's loop stores a thread's reg_l·reg_co values from shared memory one by
    // one; guarding each against C_out took 8 PTX instructions a store where 5 remain (kb79's kernel:
    // 1,817 -> 1,434 lines). So the last channel block is shifted inwards instead (it recomputes
    // channels of the block before it, storing the same values), and such a variant needs C_out >=
    // reg_co (the runtime refuses fewer). Measured (run105, A/B, two passes): kb79 0.946-0.960 ->
    // 0.877-0.893 ms, kb74 2.11 -> 2.06-2.07, stride4 0.567-0.571 -> 0.559-0.562, wide level.
    const TailStrategy co_tail = k.stage_out ? TailStrategy::ShiftInwards : TailStrategy::GuardWithIf;
    s.out.split(s.co, cb, cr, reg_co, co_tail).reorder(cr, lr, tl, lb, cb, s.b);
    if (k.co_first) {
        // The channel blocks of a tile of positions launched together: they read its x while it is
        // in L2 (kb64's 16 channel blocks were 126 blocks apart, its output stream in between).
        // Measured (run95, A/B): kb64 10.17-10.28 -> 9.53-9.56 ms, kb79 0.970-0.976 -> 0.952-0.965;
        // kb74 and stride4 level, wide 1.738 -> 1.752-1.762, which keep positions first.
        s.out.reorder(cb, lb).gpu_blocks(cb, lb, s.b);
    } else {
        s.out.gpu_blocks(lb, cb, s.b);
    }
    const Var block = k.co_first ? cb : lb;  // the innermost block loop: where per-block stages go
    s.out.gpu_threads(tl)
        .unroll(lr)
        .unroll(cr);
    Func host = s.out;
    Var host_thread = tl;
    if (k.stage_out) {
        // ---- the block's outputs through shared memory --------------------------------------------
        // A thread's own reg_l positions put a warp's lanes reg_l floats apart: each scalar store
        // writes 4 bytes into as many 32-byte sectors as lanes (reg_l 8) or half as many (reg_l 4),
        // 8 or 4 times the sectors the data fills. Staged, out's lanes store consecutive positions:
        // 32 floats in 4 whole sectors, and the accumulating threads write shared memory as 16-byte
        // vectors (tile_l·reg_l·reg_co·4 bytes per block: 32 KiB for kb79's 128 × 8 × 8). Measured
        // (run78, H100): kb79's in-place 8 × 8 block 2.98 -> 1.07 ms, stride4 1.01 -> 0.63, kb74
        // 2.30 -> 2.09, wide 1.89 -> 1.75 (4 channels; 8 need 64 KiB), kb64 10.24 -> 10.15.
        host = s.conv.in(s.out);
        const std::vector<Var> a = host.args();  // (l, co, b), or (q, p, co, b) by phase
        Var tq("tq"), rq("rq"), rqo("rqo"), rqi("rqi"), f("f");
        host.compute_at(s.out, block).store_in(MemoryType::GPUShared);
        if (S > 0) {
            const Var q = a[0], p = a[1], c = a[2];
            host.bound_extent(q, tile_l * reg_l / S)
                .bound_extent(p, S)
                .bound_extent(c, reg_co)
                .split(q, tq, rq, reg_l / S);
            if (k.stage_out == 2) {
                // stored by phase (one plane of tile_l·reg_l/S positions per phase): a thread's reg_l/S
                // positions of a phase are consecutive words, written as 16-byte vectors with lanes
                // 16 bytes apart (no bank conflict); each plane padded by 32/S words, so that out's
                // lanes, reading consecutive positions (the S phases in turn), fall in distinct banks.
                // In position order (below) the vectors mix phases and the lanes' stores lie reg_l
                // words apart: 8.7 M bank conflicts on kb79's kernel (ncu run81). Measured (run85,
                // A/B, best register caps): kb79 1.03 -> 1.00 ms (cap 72; 1.07 at 255), stride4 0.56
                // -> 0.54; but wide 1.73-1.75 -> 1.77-1.79 and the p1d2 block (2 positions per phase:
                // scalar stores) 1.85 -> 2.01, so it is a knob value.
                host.bound_storage(q, tile_l * reg_l / S + 32 / S).reorder(rq, p, c, tq);
                if ((reg_l / S) % vec == 0) host.vectorize(rq, vec);
                host.unroll(rq).unroll(p).unroll(c);
            } else if (S >= vec) {
                // stored in position order (phase innermost), so that out's lanes read consecutive
                // words; a thread writes 4 consecutive positions per 16-byte store
                host.reorder_storage(p, q, c, a[3])
                    .reorder(p, rq, c, tq)
                    .vectorize(p, vec)
                    .unroll(p)
                    .unroll(rq)
                    .unroll(c);
            } else {
                if ((reg_l / S) % (vec / S) != 0) throw CompileError("cuda schedule: stage_out needs reg_l >= 4");
                host.reorder_storage(p, q, c, a[3])
                    .split(rq, rqo, rqi, vec / S)
                    .fuse(p, rqi, f)
                    .reorder(f, rqo, c, tq)
                    .vectorize(f)
                    .unroll(rqo)
                    .unroll(c);
            }
        } else {
            const Var l = a[0], c = a[1];
            host.bound_extent(l, tile_l * reg_l).bound_extent(c, reg_co).split(l, tq, rq, reg_l).reorder(rq, c, tq);
            if (reg_l % vec == 0) host.vectorize(rq, vec);
            host.unroll(rq).unroll(c);
        }
        host.gpu_threads(tq);
        host_thread = tq;
    }

    // ---- reg_l × reg_co accumulators per thread ------------------------------------------------
    // With a stride S compiled in, conv is indexed by phase and a thread's reg_l consecutive outputs
    // are reg_l/S positions q of each of the S phases p: every lane of a warp computes the same phase
    // at the same time (the same taps, no divergent branch), its x loads are consecutive in q, and a
    // tap's weights serve reg_l/S positions. Measured on the H100 (run40, weights staged): kb79
    // (stride 2) 2.69 ms, wide 4.77 ms (8 positions, 255 registers), stride4 1.85 ms, against 3.52,
    // 8.02 and 2.41 with the phases of a thread's positions tested one by one (run30). Each dimension's
    // extent is stated: the output's tail guard otherwise leaves Halide a clamped box, and the
    // unrolled loops then test every position.
    std::vector<VarOrRVar> acc;  // the accumulator's position dimensions, innermost first
    if (S > 0) {
        s.conv.bound_extent(s.q, reg_l / S).bound_extent(s.p, S);
        acc = {s.q, s.p};
    } else {
        s.conv.bound_extent(s.l, reg_l);
        acc = {s.l};
    }
    s.conv.compute_at(host, host_thread)
        .store_in(MemoryType::Register)
        .bound_extent(s.co, reg_co)
        .unroll(s.co);
    RVar rci_o("rci_o"), rci_i("rci_i");
    s.conv.update()
        .split(rci, rci_o, rci_i, k.unroll_ci, TailStrategy::GuardWithIf)
        .unroll(s.co)
        .unroll(rci_i);  // unroll_ci independent x loads in flight per tap: latency, not issue, binds
    std::vector<VarOrRVar> order{s.co};  // channels innermost, then the positions, then the taps
    for (const VarOrRVar &v : acc) {
        s.conv.unroll(v);
        s.conv.update().unroll(v);
        order.push_back(v);
    }
    s.conv.reorder(order);
    if (k.only) {
        // The taps inside the input channel: one window of x per channel serves every tap (below).
        order.insert(order.end(), {j, rci_i, rci_o, k_lo});
    } else {
        order.insert(order.end(), {rci_i, j, rci_o, k_lo});
    }
    s.conv.update().reorder(order);
    if (k.only) {
        // ---- a thread's window of x, per input channel, in registers as 16-byte vectors ---------
        // With the geometry compiled in, the window of reg_l positions × K taps is reg_l + (K − 1)·dil
        // values (16 for kb74's 4 positions, K 5, dilation 3) at a known offset from the thread's
        // first position, and the zero-extended x (pad_x, its rows aligned to 4 floats with the
        // window's start) lets Halide prove each vector of 4 aligned: ld.global.nc.v4, one L1
        // wavefront per 8 lanes' 4 values, where the scalar loads of a lane's reg_l consecutive
        // positions cost reg_l wavefronts per load (ncu, kb74: L1 87 % -> 57 %, FMA pipe 40 -> 51 %).
        // With a compiled-in stride the window spans every landing (phase, tap) of the thread's
        // reg_l/stride positions of each phase (x_window); its vectors are aligned when that count is
        // a multiple of 4 (wide's 8-position block at stride 2: 3.35 -> 2.46 ms), else the loads
        // stay scalar.
        // Without pad_x the window is read from x in place (its rows 16-byte aligned, the generator's
        // layout constraints): the window widened to whole aligned vectors (kb64's 6 values from
        // position −2 are the 8 from −4, the same two loads), and no zero-extension pass; the
        // runtime computes the row ends with another variant. kb74 3.02 -> 2.63 ms, kb64 14.1 ->
        // 12.3 (run65, H100; NOTES version 22).
        if (k.taps < 1 || k.padding < 0) throw CompileError("cuda schedule: only = 1 needs taps and a padding");
        const Window win = x_window(k, reg_l);
        Func xw = s.xz.in(s.conv);
        const Var wl = xw.args()[0];
        xw.compute_at(s.conv, rci_i).store_in(MemoryType::Register);
        if (k.pad_x) {
            xw.bound_extent(wl, (win.extent + vec - 1) / vec * vec);
        } else {
            xw.align_bounds(wl, vec);  // (its extent a constant: Halide rejects bound_extent beside it)
        }
        xw.vectorize(wl, vec).unroll(wl);
    }
    if (k.stage_w) {
        // 16-byte shared loads of the weights need the channel loop as 4-wide vectors; with global
        // weights the vectors only add packing moves (the loads stay scalar), so they stay unrolled.
        s.conv.vectorize(s.co, vec);
        s.conv.update().vectorize(s.co, vec);
    }
    if (k.padding >= 0 && !k.only) {
        // Padding and dilation compiled in (with the stride): each phase's landing k_lo and x offset
        // are constants, so Halide partitions the loop into a steady state without x's boundary
        // tests (PTX of kb79's block: 3.0 -> 1.6 instructions per FMA, 64 -> 95 registers). kb79
        // (padding 1, dilation 2) at 255 registers: 2.28 ms against 2.68 (run45).
        if (S == 0) throw CompileError("cuda schedule: a compiled-in padding needs a compiled-in stride");
        s.conv.update().specialize(s.padding == k.padding && s.dilation == std::max(k.dil, 1) && s.groups == 1);
    }
    specialise_tap_loop(s, k);
    if (k.pad_x) pad_x(s, k);
    // the taps the staged weights span where the geometry is compiled in: K rounded up to whole steps
    const int staged_taps = k.only ? taps_per_phase(k) * tap_step(k) : 0;
    if (S > 0 && k.stage_w) {
        // Staged straight from w, without the transposed copy: with one, compute-sanitizer caught
        // the copy's kernel writing out of bounds at C_in 64 × C_out 256 (its realized region, as
        // Halide bounds it from the staging loop of a phase-indexed block, went wrong; docs/NOTES.md
        // version 13).
        stage_weights(s.wz, s, block, reg_co, staged_taps, tile_l, /*lanes=*/false);
        return;
    }
    Func wt = transposed_weights(s);
    if (k.stage_w) stage_weights(wt, s, block, reg_co, staged_taps, tile_l, /*lanes=*/false);
}

}  // namespace convt1d
