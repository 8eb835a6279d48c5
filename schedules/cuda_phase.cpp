// CUDA schedule family "cuda_phase": the general GPU path. Every geometry (K, stride, dilation,
// padding) is a run-time value; the math is the closed form (generators/convt1d_generator.cpp):
// each phase p a plain correlation over its ⌈K / step⌉ landing taps, no tap tested.
//
// Two kernels (three with pad_x; with split_ci a launch per chunk, or with grid_chunks the chunks in one grid):
//   1. planes(q, p, co, b[, u]): a block is one phase p, one batch row, reg_co channels and
//      tile_l·reg_l positions q of that phase (and with split_ci one chunk u of the input
//      channels). Its threads accumulate reg_l consecutive positions × reg_co channels in registers
//      over the chunk's input channels × the phase's taps. Every lane of every warp runs the same
//      taps (one phase per block: no divergence, no landing test), reads consecutive x, and reads
//      its reg_co weights of a tap as reg_co/4 broadcast 16-byte loads from the block's copy of
//      the phase's weights in shared memory: reg_co × ⌈K / step⌉ × (split_ci or C_in) floats, the
//      phase's taps only (K = 2·stride: 2 taps, where all K taps would be stride times more).
//      Results go to phase planes (q innermost), written densely.
//   2. out(l, co, b) = planes(l / stride, l % stride, co, b), or where split bias + Σ_u planes(..,
//      u): the planes back in position order (coalesced stores), the chunks' partial sums added.
// phase_taps (a class of problems, NOTES 29): at most that many taps a phase, x's index i − m·dx in
// every phase (dx = dilation / gcd(stride, dilation), 1 where the dilation divides the stride); conv
// is indexed by i, and a thread's window of x is read as aligned vectors into registers. Its batch
// rows are folded into i (the generator: planes(n, p, co[, u]), x's copy one row of B × pitch slots
// per input channel; dx rows a batch row by i's residue modulo dx where dx > 1, in which a phase's
// taps are consecutive slots: NOTES 66), so that a block's tile runs across the rows' boundaries and
// only the last tile of a phase is partly idle, not the last of every row (NOTES 33). Without pad_x
// (the `_inplace` points, dx 1 only) there is no copy:
// the windows are x's own aligned vectors, read where x lies, a block within one row, and the runtime
// passes each row's middle (whose windows lie inside x) and computes the ends with another variant;
// for long rows, where x's pass is a tenth of the call (NOTES 41).
// split_ci (split-K) bounds the staged weights for any C_in (dac_up1's 1,536 input channels × 2 taps
// × 8 channels would be 96 KiB; chunks of 256 are 16 KiB) and multiplies the blocks of a small
// grid; its cost is the partial planes' traffic, (C_in / split_ci − 1) × the output's bytes twice.
// Shared memory beyond the 48 KiB every kernel gets is opted in to by the runtime's launches
// (runtime/src/cuda_driver.cpp): 227 KiB a block on the H200.
#include "cuda_common.h"

namespace convt1d {

using namespace Halide;
using namespace cuda;

void schedule_cuda_phase(const Target &, Stages &s, const Knobs &k, bool warp) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) -------------
    // warp (family cuda_phase_warp): one warp per block, its tile of 32·reg_l positions striped
    // over the lanes (lane i: positions i, i + 32, ...), so that each x load of the warp is 32
    // consecutive floats, one L1 wavefront; in the thread form a thread's reg_l consecutive
    // positions put the lanes reg_l floats apart, reg_l wavefronts a load. tile_l / 32 tiles are
    // computed in turn by a block, its weights staged once for them.
    const int tile_l = k.tile_l;      // threads per block, along the phase's positions q (32..1024)
    const int reg_l = k.reg_l;        // positions q per thread (1..8): consecutive, or 32 apart (warp)
    const int reg_co = k.reg_co;      // output channels per thread, in registers (4..32)
    const int unroll = k.unroll_ci;   // input channels unrolled: independent x loads in flight
    const int chunk = k.split_ci;     // input channels per block (0: all)
    const int window_taps = k.phase_taps;  // taps a phase compiled in (0: any): then a thread's x is a
                                           // window of aligned 16-byte vectors (planes indexed by x's position)
    const int out_threads = 256;      // kernel 2's threads along l
    const int out_l = 4;              // kernel 2's positions a thread: loads in flight (8 measured slower where
                                      // split: ncu, bigvgan_up1 81 against 68 us, H200 run 62)
    // conv(q, p, co): the batch rows folded into q, x's rows copied one after another (the generator);
    // without pad_x a phase_taps variant reads x where it lies instead, a row at a time (conv(q, p, co, b))
    const bool folded = window_taps > 0 && k.pad_x;
    // A window point of fewer than 64 threads along its positions (tile_l 16, 32) has 64 / tile_l threads along
    // its channels, each reg_co of them (schedules/geometry.h): a block of two warps over a short tile of
    // positions, its staged weights those of all its channels. For a layer of one short row (hifigan_b1_up1: 1 ×
    // 100 positions at stride 8, 104 slots a phase) a tile of 128 positions × 16 channels leaves 24 slots idle where
    // 256 × 8 left 152: the 32 × 2-thread point 0.049-0.052 ms against 0.066-0.070 for the 64 × 8 one and 0.056 for
    // the columns' form, the runtime's choice before (H100 run 193, two alternations; NOTES 65). Tiles of 64 positions
    // (16 × 4 threads) and 32 × 2 on layers of a few short rows lost (demucs_up1 0.43-0.44 and 0.36 against 0.33 ms):
    // not in the list.
    const int co_threads = warp ? 1 : window_co_threads(tile_l, window_taps);
    if (tile_l * co_threads < 32 || tile_l > 1024 || reg_co < kVec || reg_co % kVec != 0 || reg_l < 1 || unroll < 1) {
        throw CompileError("cuda_phase schedule: tile_l 32..1024 (16 with a window), reg_co a multiple of 4, reg_l and unroll_ci >= 1");
    }
    if (!k.stage_w || !k.ungrouped || k.only || k.stride || k.padding >= 0 || k.taps || k.stage_out) {
        throw CompileError("cuda_phase schedule: staged weights, one group, no compiled-in geometry, no stage_out");
    }

    Var lb("lb"), tl("tl"), qb("qb"), tq("tq"), rq("rq"), cb("cb"), cr("cr"), pb("pb"), lt("lt");
    RVar ro("ro"), ri("ri");

    // ---- kernel 2: the output in position order (the chunks added: below) -----------------------
    // out_l consecutive positions a thread, unrolled: one position a thread, the kernel was bound by
    // its index arithmetic (l / stride and l % stride by a run-time stride, the phase's offset), not by
    // memory: 38-40 % of DRAM's rate on the long-row layers (ncu, H200 run 89: encodec_up3 0.26 ms,
    // dac_up4 0.35, where the bytes take 0.12 and 0.16 at the copy rate; 77 instructions an element).
    // With this and x's rows below (run 90, raw/h200-2026-12-04-run90-out-and-rows-4-a-thread-ab.txt, whole
    // calls): encodec_up3 1.260 -> 1.189 ms, dac_up4 2.359 -> 2.144, kb64's w3 point 13.88 -> 12.44, kb79's
    // r1 × c32 2.67 -> 2.53, stride4's c8 0.983 -> 0.945; the split points level.
    // Unsplit, the values (the generator's merged: the planes read at each position's phase) are computed
    // into shared memory by threads of out_l consecutive positions (one division for a thread's 4,
    // below), and stored to out by consecutive threads: each store instruction of a warp then writes 128
    // contiguous bytes, where a thread storing its own 4 consecutive positions put the lanes 16 bytes
    // apart, each instruction writing 4 bytes into 16 sectors (4 write requests to L2 for every sector
    // of the output). Measured (run 98, raw/h200-2026-12-04-run97-98-staged-order-ab.txt, two alternations
    // against the build before): encodec_up3's w2 point 1.17 -> 1.07/1.10 ms, stride4's 0.93/0.91 ->
    // 0.84/0.81, kb79's r1 × c32 2.54 -> 2.24, dac_up4's 2.12 -> 2.05, bigvgan_up3 and wide 1-2 %. Where
    // split, each thread adds the chunks for its own 4 positions and stores them (below): staged, the
    // split points measured 1.5-2.5 % slower (run 97: dac_up1 3.47 -> 3.52, encodec_up1 0.683 -> 0.70).
    Var li("li"), ot("ot"), oi("oi");
    s.out.compute_root()
        .split(s.l, lb, tl, out_threads * out_l, TailStrategy::GuardWithIf)
        .gpu_blocks(lb, s.co, s.b);
    if (chunk > 0) {
        s.out.split(tl, tl, li, out_l, TailStrategy::GuardWithIf);
        // The merge, bias + Σ_u planes(.., u) (the generator's merged), computed by each thread of the
        // output's kernel for its outputs: the chunks' planes read where the output's kernel read one,
        // and no kernels of its own. Before (NOTES 33 (e), 35), Halide's rfactor made the chunks, and its
        // merge, which carries the reduction's predicate on the phase, had to be kernels over the planes
        // (the bias, then the chunks added): 0.037 + 0.141 ms of dac_up1's call (ncu, H200 run 49) beside
        // the output's 0.111, where this output's kernel takes 0.117 (run 57). With the x loads below,
        // dac_up1 3.66 -> 3.59 ms, bigvgan_up1 2.11 -> 2.05, encodec_up1 0.817 -> 0.720 (run 59).
        // A thread adds the chunks for out_l consecutive positions, unrolled inside the chunks' loop:
        // out_l independent loads a chunk, where one position a thread waited on each add before the
        // next chunk's load (the loop's length is a run-time value; unrolled by a constant, Halide
        // guards each chunk of its tail with a branch, and the loads still wait on the adds: PTX).
        s.merged.compute_at(s.out, tl).bound_extent(s.l, out_l).unroll(s.l);
        s.merged.update().reorder(s.l, s.chunks.x).unroll(s.l);
    } else {
        s.out.split(tl, li, tl, out_threads, TailStrategy::GuardWithIf);
        // (the block's whole 1,024 positions, past the row's end in its last block: with the extent left
        // to bounds inference, an in-place output, whose first position is a run-time value, got its
        // thread count from the whole row's, and the launch failed)
        s.merged.compute_at(s.out, lb)
            .store_in(MemoryType::GPUShared)
            .bound_extent(s.l, out_threads * out_l)
            .split(s.l, ot, oi, out_l)
            .unroll(oi)
            .gpu_threads(ot);
    }
    s.out.unroll(li).gpu_threads(tl);
    if (window_taps > 0) {
        // At dilation 1 (and wherever in place) x's step between a phase's taps is 1, and the output's reads
        // of the planes need no division by it (the generator's plane_slot); at other dilations, where x's copy
        // splits its rows by that step, one branch of its own (the dilated layers' output, 2 divisions by the
        // run-time step a position).
        Stage out = folded ? s.out.specialize(s.dilation == 1) : Stage(s.out);
        // a thread's 4 positions' phases and plane positions from one division (the generator's form at
        // strides of 3 and more; PTX 8 divisions and 8 remainders -> 2; with x's rows at one division a
        // group, run 93: dac_up1's split point 3.54 -> 3.44 ms, stride4's w2 point 0.926 -> 0.902)
        out.specialize(s.stride >= 3);
        // at stride 2 (dac_up4, bigvgan_up3, wide; every K = 4 upsampler) the phase and the plane
        // position are a mask and a shift, not a division and a remainder by the run-time stride for each
        // of a thread's positions (PTX 196 -> 114 instructions; ncu run 101: dac_up4's output kernel at half
        // the copy rate in the stride < 3 branch). Measured (run 103, raw/h200-2026-12-04-run102-103-out-stride2-
        // ab.txt, two alternations against the build before): dac_up4's in-place point 1.96 -> 1.92 ms, its
        // runtime 1.96/2.02 -> 1.92/1.91; wide's w2 points 1-3 %; bigvgan_up3 and kb79 about 1 %
        out.specialize(s.stride == 2);
    }

    // ---- kernel 1 (a kernel a class with tap_classes): the phase planes -------------------------
    // sums: the generator's conv (or a class's), wphase its phases' weights, r its RDom (tap m, input
    // channel, one k_lo); the same schedule for each
    auto schedule_sums = [&](Func sums, Func wphase, const RDom &r, int block_co) {  // block_co: the sums' channels a thread
        const RVar m = r.x, rci = r.y, rz = r.z;
        // ---- kernel 1: the phase planes -------------------------------------------------------------
        // acc: the thread's accumulators (registers); planes: the kernel's output in global memory, one
        // plane per phase (and per chunk u where split).
        Func acc = sums, planes = sums.in(s.merged);
        Var ct("ct");
        planes.compute_root().split(s.co, cb, cr, block_co * co_threads, TailStrategy::GuardWithIf);
        if (co_threads > 1) planes.split(cr, ct, cr, block_co, TailStrategy::GuardWithIf);
        if (folded) {
            planes.rename(s.p, pb);  // a block's tile runs over the batch rows (the generator)
        } else {
            planes.fuse(s.p, s.b, pb);
        }
        const Var thread = warp ? lt : tq;  // the loop the accumulators are computed at
        if (warp) {
            planes.split(s.q, qb, tq, tile_l * reg_l, TailStrategy::GuardWithIf)
                .split(tq, lt, tq, 32 * reg_l, TailStrategy::GuardWithIf)
                .split(tq, rq, tq, 32, TailStrategy::GuardWithIf);
        } else {
            planes.split(s.q, qb, tq, tile_l * reg_l, TailStrategy::GuardWithIf)
                .split(tq, tq, rq, reg_l, TailStrategy::GuardWithIf);
        }
        // loops innermost first: the channels and positions of a thread, its thread (or lane), the tiles
        // of a one-warp block, then the blocks (channel blocks innermost with co_first)
        std::vector<VarOrRVar> order{cr, rq, tq};
        if (co_threads > 1) order.push_back(ct);
        if (warp) order.push_back(lt);
        if (k.grid_chunks) {
            // The chunks as the grid's third dimension (blockIdx.z), the tiles and phases (and rows) fused in its
            // second: one launch, where a launch a chunk ran each chunk's grid alone, under one wave on layers of
            // few positions (demucs_up1's 64 × 8 point: 512 blocks of two warps a chunk, 7.7 warps an SM, FMA
            // pipe 48 %: ncu, H100 run 182). Measured against the launches (H100 run 184, raw/h100-2026-12-07-
            // run184-grid-chunks-ab.txt, two alternations, ms): that point 1.00-1.22× faster on the 12 layers it
            // runs (demucs_up1 0.372 -> 0.330, batch64_short 0.154 -> 0.126, wide 2.76 -> 2.45), but the 128 × 16
            // points 5-12 % slower on the large layers (dac_up1's k512 3.56 -> 3.80, encodec_up1's 0.696 ->
            // 0.785): their one kernel holds every chunk's code at 168 registers, with 28 bytes of spills (ptxas),
            // where the launches' kernels used 153-156 (NOTES 63 (e)). So a knob, for the 64 × 8 point.
            // (u fused with the phases instead, Halide could not bound the unrolled window of x's channels by a
            // constant: u was then a quotient of the fused block index. Without a window, p and b fused, LLVM
            // kept the accumulators in local memory, 256 bytes of stack (PTX). The runtime refuses a grid past
            // 65,535 blocks in y.)
            if (chunk == 0 || window_taps == 0 || !k.co_first) {
                throw CompileError("cuda_phase schedule: grid_chunks needs split_ci, phase_taps and co_first");
            }
            order.insert(order.end(), {cb, qb, pb, s.u});
            planes.reorder(order).fuse(qb, pb, qb).gpu_blocks(cb, qb, s.u);
        } else if (k.co_first) {
            order.insert(order.end(), {cb, qb, pb});
            planes.reorder(order).gpu_blocks(cb, qb, pb);
        } else {
            order.insert(order.end(), {qb, cb, pb});
            planes.reorder(order).gpu_blocks(qb, cb, pb);
        }
        const Var block = k.co_first ? cb : qb;  // the innermost block loop: where per-block stages go
        if (warp) {
            planes.gpu_lanes(tq);
        } else {
            planes.gpu_threads(tq);
            if (co_threads > 1) planes.gpu_threads(ct);
        }
        planes.unroll(rq).unroll(cr);

        // ---- reg_l × block_co accumulators per thread ----------------------------------------------
        // Budget (per input channel and tap, per warp): reg_l scalar x loads + block_co/4 broadcast
        // 16-byte shared loads for reg_l·block_co FMA instructions.
        acc.compute_at(planes, thread)
            .store_in(MemoryType::Register)
            .bound_extent(s.q, warp ? 32 * reg_l : reg_l)
            .bound_extent(s.co, block_co)
            .bound_extent(s.p, 1)
            .fold_storage(s.p, 1);
        if (!folded) acc.bound_extent(s.b, 1).fold_storage(s.b, 1);
        if (chunk > 0) acc.bound_extent(s.u, 1).fold_storage(s.u, 1);
        acc.update().split(rci, ro, ri, unroll, TailStrategy::GuardWithIf);
        if (warp) {
            // (the lane loop outermost in each stage: inside the unrolled loops, Halide closes and
            // reopens it around every channel vector with a barrier; schedules/cuda_warp.cpp)
            Var lane("lane"), lo("lo");
            acc.split(s.q, lo, lane, 32).reorder(s.co, lo, lane).gpu_lanes(lane).unroll(lo).unroll(s.co);
            acc.update().split(s.q, lo, lane, 32).reorder(s.co, lo, ri, m, ro, rz, lane).gpu_lanes(lane).unroll(lo);
        } else if (window_taps > 0) {
            acc.unroll(s.q).unroll(s.co);
            acc.update().reorder(s.co, s.q, m, ri, ro, rz).unroll(s.q).unroll(m);
        } else {
            acc.unroll(s.q).unroll(s.co);
            acc.update().reorder(s.co, s.q, ri, m, ro, rz).unroll(s.q);
        }
        acc.update().unroll(s.co).unroll(ri).vectorize(s.co, kVec);
        acc.vectorize(s.co, kVec);
        if (window_taps > 0) {
            // A thread's window of x per input channel, in registers as aligned 16-byte vectors: its reg_l
            // positions i (a multiple of 4 from the plane's aligned first position) and the window_taps − 1
            // before them, x[i − window_taps + 1 .. i + reg_l − 1] rounded out to whole vectors (8 floats for 4
            // positions and 2 taps: one ld.global.v4 and the last float of the vector before it, 8 L1
            // wavefronts a warp, where the scalar loads of the thread-consecutive positions took 5 × 4).
            // Measured (ncu run 24, dac_up1's chunk kernel): L1 80.7 -> 62.1 %, 0.91 -> 0.84 ms a chunk, at
            // 168 registers (the window's 40 floats over 8 unrolled channels; 128 spilled).
            if (warp || reg_l % kVec != 0) {
                throw CompileError("cuda_phase schedule: phase_taps needs the thread form and reg_l a multiple of 4");
            }
            // Where split (the list's 168-register points), the windows of all unroll_ci channels are loaded
            // first, at the unrolled group (ro), then their multiply-adds: every x load of the group in
            // flight together. Loaded channel by channel (at ri), ptxas issued 4 of the 16 loads at the
            // group's start and the rest among the multiply-adds, each waiting there (SASS), and a chunk of
            // dac_up1 took 1.49 ms (ncu, H200 run 57) against 1.44 when Halide's rfactor guarded each channel's
            // loads, which ptxas made predicated loads and issued all first (run 49; NOTES 35). At the
            // whole-C_in points' 128 registers the 8 windows spill (ptxas: 348 bytes), so they load at ri.
            Func xw = s.xz.in(acc);
            const Var wl = xw.args()[0];
            xw.compute_at(acc, chunk > 0 ? ro : ri).store_in(MemoryType::Register).align_bounds(wl, kVec).vectorize(wl, kVec).unroll(wl);
            if (chunk > 0) xw.unroll(xw.args()[1]);
            planes.align_bounds(s.q, kVec);
        } else {
            // Two taps a phase at dilation 1 (K = 2·stride, the vocoders' upsamplers): the tap loop is the
            // constant 2, unrolled, so that the taps' x reads, x[q + base] and x[q + base − 1] over the
            // thread's reg_l positions, are reg_l + 1 loads instead of 2·reg_l (5 instead of 8 scalar loads of
            // 4 L1 wavefronts each per input channel at reg_l 4: the L1 pipe is the limit, NOTES 27 (g)).
            acc.update().specialize(s.groups == 1 && s.dilation == 1 && s.two_taps).unroll(m);
        }
        // One group: plain channel indices (the runtime runs grouped problems once per group).
        acc.update().specialize(s.groups == 1);
        acc.update().specialize_fail("this variant computes groups == 1 only");

        // ---- the phase's weights of the block in shared memory ------------------------------------
        // wphase(m, co, ci, p): block_co channels innermost (16-byte loads), the taps loop outside, the
        // threads over (channel, input channel), the fused index split by the constant block_co.
        Var t("t"), ti("ti");
        const std::vector<Var> wa = wphase.args();  // m, co, ci, p
        wphase.compute_at(planes, block)
            .store_in(MemoryType::GPUShared)
            .bound_storage(wa[1], block_co * co_threads)
            .bound_extent(wa[1], block_co * co_threads)
            .reorder_storage(wa[1], wa[0], wa[2], wa[3])
            .reorder(wa[1], wa[2], wa[0], wa[3])
            .fuse(wa[1], wa[2], t)
            .split(t, t, ti, warp ? 32 : tile_l * co_threads, TailStrategy::GuardWithIf);
        if (warp) {
            wphase.gpu_lanes(ti);
        } else if (co_threads > 1) {
            Var tj("tj");
            wphase.split(ti, tj, ti, tile_l).gpu_threads(ti, tj);
        } else {
            wphase.gpu_threads(ti);
        }
    };
    if (s.classes.empty()) {
        schedule_sums(s.conv, s.wphase, s.r, reg_co);
    } else {
        // (tap_classes: the phases of three taps, then those of two, each a kernel; NOTES 51.) With
        // tap_classes 2 the class of three has a tile of its own, reg_co / 2 channels a thread: on K = 2·stride
        // + 1 with C_in 1,536 its 192 blocks of 96 KiB of weights (16 channels × 3 taps × 512) sat two an SM,
        // 1.5 on average, 9 % of the warps active, a third of the sums' time for 3/11 of their multiply-adds
        // (ncu, H100 run 151); 8 channels make 384 blocks of 48 KiB, four an SM, one wave (NOTES 53 (g), 54)
        const int three = k.tap_classes == 2 ? reg_co / 2 : reg_co;
        if (three < kVec || three % kVec != 0) throw CompileError("cuda_phase schedule: tap_classes 2 needs reg_co / 2 a multiple of 4");
        schedule_sums(s.classes[0].sums, s.classes[0].wphase, s.classes[0].r, three);
        schedule_sums(s.classes[1].sums, s.classes[1].wphase, s.classes[1].r, reg_co);
    }
    if (window_taps > 0) {
        // Each phase's offset into x, read by the output's kernel for every position: a table of
        // min(stride, L_out) values made by a kernel of its own. Computed per position (its four
        // divisions by run-time values) that kernel took 2.5× the time of the one indexed by q
        // (ncu, dac_up1: 0.26 against 0.10 ms a call; encodec_up1 0.15 ms of a 1.3 ms call).
        Var tb("tb"), tt("tt");
        auto tabulate = [&](Func table) {
            table.compute_root().split(s.p, tb, tt, 64, TailStrategy::GuardWithIf).gpu_blocks(tb).gpu_threads(tt);
        };
        tabulate(s.phase_base);
        // (tap_classes: each phase's first tap, which tells the output's kernel the phase's class, a table
        // the same way)
        if (s.phase_first.defined()) tabulate(s.phase_first);
    }

    if (k.pad_x) pad_x(s, k);
}

}  // namespace convt1d
