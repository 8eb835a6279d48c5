// CPU schedule family "cpu_phase": the closed form (generators/convt1d_generator.cpp) on the CPU,
// every geometry at run time. A task per (channel block, chunk of output positions, batch row)
// computes the chunk's phase planes — vectors along the phase's positions q (x's index steps by one
// along q), taps and input channels inside — and then puts them in position order. The same math as
// the general CUDA family, so the CPU tests check it here. Family cpu_cols takes the same tasks and
// position order, its phase sums reading columns that hold every tap's sum over input channels
// (schedule_cols, below; generators/convt1d_generator.cpp).
#include "schedule.h"

#include <cstdlib>

namespace convt1d {

using namespace Halide;

namespace {

// cpu_cols' columns (Stages::cols), computed in each task of the output (its loop t) for the positions
// of x and the columns its phases read: a wrapper in the task, stored with x's positions innermost (the
// phase sums read them as vectors along q), filled tile by tile from a register tile of the sums. The
// tile is cpu_phase's (schedules/schedule.h, its point's 2 vectors × 8 channels with AVX-512, 3 × 4 below:
// 16 and 12 accumulators of the 32 and 16 vector registers): vectors of x's positions (loaded) × columns
// (their weights broadcast), the input channels the loop around it, so that per input channel cv vector
// loads and kt broadcasts feed kt·cv FMAs.
void schedule_cols(const Target &target, Stages &s, const Var &t) {
    const int vec = target.natural_vector_size<float>();
    const int cv = cpu_phase_vectors(target, 2), kt = cpu_phase_channels(target, 8);
    Func colsw = s.cols.in(s.conv);
    const std::vector<Var> wa = colsw.args(), ca = s.cols.args();  // kc, g, i, b
    Var io("io"), ii("ii"), ko("ko"), ki("ki");
    colsw.compute_at(s.out, t)
        .reorder_storage(wa[2], wa[0], wa[1], wa[3])
        .split(wa[2], io, ii, vec * cv, TailStrategy::RoundUp)
        .split(wa[0], ko, ki, kt, TailStrategy::RoundUp)
        .reorder(ii, ki, io, ko, wa[1], wa[3])
        .vectorize(ii, vec)
        .unroll(ii)
        .unroll(ki);
    s.cols.compute_at(colsw, io)
        .reorder_storage(ca[2], ca[0], ca[1], ca[3])
        .bound_extent(ca[2], vec * cv)
        .bound_extent(ca[0], kt)
        .vectorize(ca[2], vec)
        .unroll(ca[2])
        .unroll(ca[0]);
    s.cols.update()
        .reorder(ca[2], ca[0], s.cols_r.x)
        .vectorize(ca[2], vec)
        .unroll(ca[2])
        .unroll(ca[0]);
    // the task's rows of x copied, each a run of the task's positions, one after another: in x they lie a
    // row apart (8 KB at 2,000 positions), and a tile's pass over 512 input channels touched 512 pages
    // (not measured apart from the rest: NOTES 56)
    const std::vector<Var> xa = s.xz.args();
    s.xz.compute_at(s.out, t).vectorize(xa[0], vec, TailStrategy::GuardWithIf);
    // the weights in the columns' order, padded with zeros to whole tiles: a pass over w a call
    const std::vector<Var> va = s.cols_w.args();  // kc, ci
    s.cols_w.compute_root().vectorize(va[0], vec, TailStrategy::GuardWithIf).parallel(va[1], 64);
}

}  // namespace

void schedule_cpu_phase(const Target &target, Stages &s, const Knobs &k) {
    // ---- search space (powers of two; schedules/variants.cmake picks the points) ----------------
    // Registers: 32 vector registers with AVX-512, 16 below it. The accumulator tile: vecs_q vectors
    // along q × tile_co channels (2 × 8 zmm = 16 of 32 with AVX-512; 3 × 4 ymm = 12 of 16 with AVX2:
    // the channels halved, the vectors 3/2, cpu_phase_channels and cpu_phase_vectors), the rest for a
    // tap's x vectors and its broadcast weights: per input channel and tap vecs_q loads and tile_co
    // broadcasts for vecs_q·tile_co FMAs.
    const int vec = target.natural_vector_size<float>();  // 16 floats in a zmm, 8 in a ymm, 4 in an xmm
    const int vecs_q = cpu_phase_vectors(target, k.reg_l);          // vectors along q
    const int tile_co = cpu_phase_channels(target, k.reg_co);  // channels
    const int chunk_l = k.tile_l;   // a task's output positions at strides 1 and 2 (chunk_l / 8 a phase above)
    const int unroll = k.unroll_ci;  // input channels unrolled
    if (vecs_q < 1 || tile_co < 1 || chunk_l < 8 * vec || unroll < 1) {
        throw CompileError("cpu_phase schedule: reg_l, reg_co, unroll_ci >= 1 and tile_l >= 8 vectors");
    }
    // cpu_cols (the columns' form, Stages::cols): a task's block of tile_co channels (guarded past C_out, as
    // every task's), their phase sums one channel at a time (a sum of a phase's few columns, no input
    // channels in it), so that a layer of one output channel computes no columns of channels it does not
    // have: cpu_phase's tile rounded up past C_out = 1 computes 8
    const bool by_cols = s.cols.defined();
    if (by_cols && k.lanes) throw CompileError("cpu_cols: lanes is cpu_phase's");
    if (k.stage_w || k.stage_out || k.co_first) {
        throw CompileError("cpu_phase schedule: stage_w, stage_out and co_first are CUDA knobs");
    }
    // The tile's form (lanes, 'ln' in the list): 0, positions q in the vector lanes, vecs_q vectors
    // × tile_co broadcast weights (above); 1, channels in the lanes: one vector of tile_co channels
    // (reg_co 16: 16 lanes with AVX-512, 8 below) × P positions q, each x[q] broadcast once and met by
    // both taps of a two-taps phase (tap 1 reads x[q − 1], the previous position's broadcast): per
    // input channel P + 1 broadcasts and 2 aligned weight vectors for 2·P FMAs, and no x vector
    // crosses a cache line (form 0's 32-byte x loads at 4-byte offsets do in 7 of 16 cases).
    // P by the register budget (cpu_phase_lane_positions, not a power of two): the vector registers
    // less 2 weight vectors, 2 broadcasts and 2 spare — with AVX2's 16, 10 accumulators (8 left each
    // one's chain of FMAs, 4 cycles each and two taps a channel, as long as the FMAs' issue; 12 left
    // no register spare); AVX-512's 32, 26 (not measured: no AVX-512 machine this session); SSE4.1's
    // 8 channels two vectors, 5 positions. Measured on this session's AMD VM (AVX2, one thread,
    // docs/NOTES.md 47): a C++ loop of this form ran at 88-92 GFLOP/s of the core's 101 where form
    // 0's (C++) took 58-65 and Halide's form 0 loop 79.
    const bool lanes_co = k.lanes;
    // LLVM's default register allocator (greedy) spilled 1-3 of the accumulators of this form's
    // two-taps loop in 32 of its 36 copies (the specialisations × strides; each spill a store and a
    // reload on an accumulator's chain every channel: 34-54 GFLOP/s); its PBQP allocator spilled
    // none (checked in the generator's assembly). HL_LLVM_ARGS is read once, when Halide first
    // initialises LLVM, after the schedule: this process then compiles its variant with PBQP (a
    // caller's own HL_LLVM_ARGS kept). Form 0 keeps the greedy allocator (with PBQP its loop was
    // slower: bigvgan_up1_cpu 66 -> 57 GFLOP/s, one thread).
    if (lanes_co) setenv("HL_LLVM_ARGS", "-regalloc=pbqp", 0);
    const int tile_q = lanes_co ? cpu_phase_lane_positions(target, k.reg_l) : vec * vecs_q;
    if (lanes_co && (tile_co != vec * (vec == 4 ? 2 : 1) || tile_q < 1)) {
        throw CompileError("cpu_phase schedule, channels in the lanes: reg_co 16 (one vector of channels) and reg_l > 16");
    }
    Var qo("qo"), qi("qi"), coo("coo"), coi("coi"), t("t"), lo("lo"), li("li");
    RVar m = s.r.x, ci = s.r.y, rz = s.r.z;

    // ---- kernel 1: the phase planes ----------------------------------------------------------------
    // Whole tiles (RoundUp: the planes are an internal buffer, rounded up to whole tiles), so that
    // the accumulator tile has constant extents and LLVM keeps it in registers; with guarded tails
    // its extents were run-time values and every FMA loaded and stored its accumulator (asm).
    // A task is a channel block × a chunk of output positions × a batch row, of the output's loop
    // (kernel 2 below): its phase planes (the chunk's positions × tile_co channels, 64 KiB at 2,048)
    // are computed inside it and put in position order while in L2, instead of a pass of their own
    // whose planes went to memory and came back (twice the output's bytes). Channel blocks innermost
    // in the task order, so that tasks running together read the same chunk of x; then the batch rows,
    // the chunks outermost (with a chunk length of run time, below, and the rows outermost, Halide's
    // bounds of a task's row, its index divided by the chunks' count, spanned negative rows: the
    // output's bounds check failed; as they are, the row is a modulus by the rows). Chunks of 2,048
    // positions at strides 1 and 2, 256 per phase above (the chunk's x, C_in × 256 floats, in L2
    // while the phases read it). Measured here (5 alternations, min and median,
    // raw/history/cpu-vm-2026-12-03-cpu_phase-task-ab.txt): kb74_cpu 3.06/3.34 -> 2.32/2.71 ms,
    // kb79_cpu 2.84/3.13 -> 2.38/2.56, kb64_cpu 3.81/4.26 -> 3.10/3.39; the stride-4 and -8 layers 3-12 %
    // slower by the clock, −3 to +4 % in CPU time (perf, NOTES 29 (f)); with the channel blocks
    // outermost encodec_up3_cpu lost 20 %.
    // (A task per channel block × phase swept whole rows: every task read all of x again, 32 times
    // on encodec_up3_cpu, from beyond L2.)
    Var lc("lc"), lr("lr"), cr("cr");
    // With split_ci (the generator's chunks: conv(.., u), and merged = bias + Σ_u conv(.., u), what out
    // reads), a task computes each chunk's planes in turn and then adds them, as the GPU's split
    // variants do (here only so that a machine without a GPU runs that math: schedules/variants.cmake).
    const bool split = k.split_ci > 0;
    Func planes = s.conv.in(s.merged);  // (unsplit, merged is conv at the output's position: inlined)
    // How long a task's chunk of positions is, at strides above 1 a run-time value: the cap its loop
    // nest takes below (x's rows of a chunk in L2 while its channel blocks read them), shortened where
    // the cap leaves fewer than tasks_per_thread tasks a thread of the call (s.threads, the runtime's
    // pool), so that a layer of one batch row and few channel blocks keeps every core busy and the
    // threads' dynamic claiming of tasks evens out to within an eighth of a thread's share; whole tiles
    // of every phase (unit), two of them at least. Measured on the H200 machine's 16 cores through a
    // Layer (run 85, raw/h200-host-2026-12-04-run85-task-length-ab.txt, medians of 5 alternations
    // against the committed build, ms): wide_cpu 0.626 -> 0.571, dac_up1_cpu 0.784 -> 0.751,
    // encodec_up1_cpu 0.818 -> 0.774, kb79_cpu 0.507 -> 0.485, and a layer outside the suite (B 1,
    // C_in 256, C_out 64, K 16, stride 8, L_in 128: 8 tasks for 16 threads before) 0.160 -> 0.106; the
    // others level (4 or 16 tasks a thread within that machine's spread of 8). At stride 1 the
    // chunks keep their cap: shortened, the stride-1 loop nests lost (kb64_cpu 0.62 -> 0.89 ms, a
    // layer of 4 channel blocks, K 7, L_in 4096: 0.106 -> 0.130; kb74_cpu alone gained, 0.54 -> 0.49).
    const int tasks_per_thread = 8;
    // (spread false: stride 1 and a row shorter than the cap, the longer ones in the loop below — one
    // chunk of the row's own length in whole tiles, not a chunk of the cap's length whose positions
    // past the row are guarded. The output's loop over such a chunk (GuardWithIf, vectorised) ran the cap's
    // length with masked loads and stores, every lane off past the row, and AMD's masked store takes a
    // microcode assist: a stride-1 layer of 256 positions (B 16, C_in and C_out 128, K 3) spent 63 % of
    // its time on that store, perf on this session's AMD VM; one thread, 26-31 -> 6-9 ms. Rows longer
    // than the cap keep the cap's chunks where the L2 holds them (the constant chunk of the loop below):
    // split evenly instead, kb64_cpu's two chunks of 1,056 were slower than 2,048 and a tail of 2 on the
    // H200 machine's 16 cores in 4 of 4 alternations, run 105. Where the L2 cuts the cap, below, a row
    // of any length is cut evenly.)
    // The cap, in turn, at most the positions whose x rows fill half a core's L2 (C_in_g rows of a
    // phase's positions; s.cache_bytes, the runtime's query, 0 where unknown): the chunk's x then stays
    // in L2 while the task's phases read it, and while the next channel block's task reads it again
    // (channel blocks are innermost in the task order). Without it, a chunk of 2,048 positions of
    // kb64_cpu's 128 rows (1 MiB) overflowed this session's AMD VM's 512 KiB L2: every task read its x
    // from L3, and perf put the time on the x loads (NOTES 43 (a)). Where the L2 holds the chunk (the
    // H200 machine's 2 MiB: every *_cpu shape), the caps stand.
    // The two-taps nest sizes its chunks by a quarter of the L2 (share 4, below), as measured; why is
    // not settled (its tile sweeps all of a group's input channels, no chunks of 32 as below, but its
    // speed did not follow C_in, NOTES 44 (e)). One thread through a Layer on this VM, 2 rounds (ms), a
    // quarter against half: bigvgan_up1_cpu 14.2/14.4 against 15.4/15.6, wide_cpu 6.7/6.8 against
    // 7.2/9.0, dac_up1_cpu 13.4/13.6 against 13.8/14.0; encodec_up1_cpu and the two-taps layers of fewer
    // input channels (stride4_cpu 64, encodec_up3_cpu 128) level, and so were the general nest's shapes
    // (kb64_cpu, kb74_cpu, grouped_cpu, kb79_cpu), which keep half. On the H200 machine (2 MiB, 16
    // threads) the suite's two-taps layers' chunks come out as before by this arithmetic (their caps, or
    // the threads' share, chunk_of's `want`, set them; not measured there). (NOTES 44 (f),
    // raw/cpu-vm-amd-2026-12-05-two-taps-quarter-l2-ab.txt.)
    // `share`: the part of the L2 (1 / share) a chunk's x rows and its block's weights may fill.
    auto in_cache = [&](int cap, const Expr &S, int share) -> Expr {
        // (in 64 bits: a layer's weights may pass 2^31 bytes)
        const Expr cache = cast<int64_t>(s.cache_bytes), row = 4 * cast<int64_t>(s.C_in_g);
        // the block's weights (wtile): all S phases'; with channels in the lanes one phase's, the
        // phase's tiles run one after another over them (its 8 channels × 2 taps of 512 input channels,
        // 32 KiB, against 128 KiB for bigvgan_up1_cpu's 4 phases, which left 2 tiles a phase: each
        // tile then read its phase's weights from L3 for 5,120 FMAs, 60-61 GFLOP/s on one thread, where
        // 4-7 tiles a phase ran at 71-73, NOTES 47)
        const Expr w_bytes = row * s.r.x.extent() * tile_co * (lanes_co ? Expr(1) : S);
        const Expr x_bytes = max(cache / share - w_bytes, cache / (4 * share));
        const Expr q = max(x_bytes / row, 1);  // a phase's positions
        return select(s.cache_bytes > 0, cast<int>(min(cast<int64_t>(cap), q * S)), cap);
    };
    auto chunk_of = [&](int cap, const Expr &S, bool spread, int share = 2) -> Expr {
        const Expr blocks = s.batch * ((s.C_out + tile_co - 1) / tile_co);
        const Expr want = spread ? max(1, (tasks_per_thread * s.threads + blocks - 1) / blocks) : 1;  // chunks a row
        const Expr unit = min(S, cap) * tile_q;
        const Expr fit = in_cache(cap, S, share);
        // the cap in whole units: below AVX-512 the tile is 3 vectors (cpu_phase_vectors), which the
        // power-of-two cap does not divide — a chunk of 1,024 positions at stride 8 was 128 positions a
        // phase, 5 1/3 tiles, computed as 6 (encodec_up1_cpu 5-13 % slower on one thread, 3 of 3 runs).
        // Rounded up, not down: 1,152 at stride 8, so that a row of 2,048 is still two chunks, not two of
        // 960 and one of 128 (one thread, 3 alternations, medians, ms, against the cap rounded down:
        // dac_up1_cpu 17.4 -> 16.6, encodec_up1_cpu 20.2 -> 16.0, bigvgan_up1_cpu 24.9 -> 18.6; the 2 × 4
        // tile of before 18.5, 17.4, 19.6). The AVX-512 tiles divide the caps: unchanged there.
        const Expr top = (fit + unit - 1) / unit * unit;
        // Where the L2 cuts the cap, the row in chunks of even length (ceil(L_out / top) of them): with
        // chunks of top, a row's last one can be a sliver — kb74_cpu's 8,204 positions in four chunks of
        // 1,992 and one of 236 measured 6.3-8.1 ms on one thread of this VM, against 4.6-6.1 for chunks of
        // 1,800, 2,064 or 1,032 (NOTES 43 (a)).
        const Expr L = max(s.L_out, 1);
        const Expr n = max(want, select(top < cap, (L - 1) / top + 1, 1));  // chunks a row
        const Expr len = min((L - 1) / n + 1, top);  // ceil(L_out / n), at most the cap
        return clamp((len + unit - 1) / unit * unit, min(2 * unit, top), top);
    };
    // Whether the L2 leaves the cap at stride 1 whole (in whole tiles): then chunks of the cap, a constant,
    // the code every committed summary measured. (NOTES 42 (i) measured a run-time chunk 20 % slower on
    // kb74_cpu; with the cap then rounded down, 2,040, that was four chunks and a last one of 44 positions,
    // the sliver above. A run-time chunk of 2,064 measured level with the constant, 43 (a).)
    auto cap_fits = [&](int cap) { return (in_cache(cap, 1, 2) + tile_q - 1) / tile_q * tile_q >= cap; };
    auto task = [&](Stage st, const Expr &chunk) {
        st.split(s.l, lc, lr, chunk, TailStrategy::GuardWithIf)
            .split(s.co, coo, cr, tile_co, TailStrategy::GuardWithIf)
            .reorder(lr, cr, coo, s.b, lc)
            .fuse(coo, s.b, t)
            .fuse(t, lc, t)
            .parallel(t);
    };
    s.out.compute_root();
    const int planes_co = by_cols ? 1 : tile_co;
    planes.compute_at(s.out, t)
        .split(s.q, qo, qi, tile_q, TailStrategy::RoundUp)
        .split(s.co, coo, coi, planes_co, TailStrategy::RoundUp)
        .reorder(qi, coi, qo, s.p, coo);
    if (lanes_co) {
        planes.vectorize(coi, vec).unroll(coi).unroll(qi);
    } else {
        planes.vectorize(qi, vec).unroll(coi);
    }
    if (split) {
        s.merged.compute_at(s.out, t).vectorize(s.l, vec, TailStrategy::GuardWithIf);
        s.merged.update().vectorize(s.l, vec, TailStrategy::GuardWithIf);
    }
    s.conv.compute_at(planes, qo)
        .bound_extent(s.q, tile_q)
        .bound_extent(s.co, planes_co);
    if (lanes_co) {
        s.conv.reorder_storage(s.co, s.q).vectorize(s.co, vec).unroll(s.co).unroll(s.q);
    } else {
        s.conv.vectorize(s.q, vec).unroll(s.co);
    }
    // Input channels innermost (the long loop), unroll_ci of them unrolled, then taps: one x vector
    // meets tile_co broadcast weights.
    // Two taps a phase at dilation 1 (K = 2·stride: the vocoders' layers): the tap loop the constant
    // 2, unrolled inside the channels' (schedules/cuda_phase.cpp does the same), over half as many
    // unrolled channels, so that the loop's body stays 4 · tile FMAs a tap (measured on the H200
    // machine's 16 cores, run 64, medians at 16 threads, 4 → 2 channels, the weights then gathered per
    // task in the order wtile has them below: wide_cpu 0.778 → 0.756 ms, bigvgan_up1_cpu 1.40 → 1.34,
    // dac_up1_cpu 1.43 → 1.36, encodec_up3_cpu 1.58 → 1.44; with 2 everywhere kb64_cpu lost 0.661 →
    // 0.751. With wtile, both against the form before them: run 69, below.)
    // Other problems (the general nest: any taps a phase, at run time): the taps outside the input
    // channels, over chunks of 32 input channels at a time, so that a tap's pass over a chunk reads
    // 32 rows of x (32 × 34 floats a tile) while they are in L1, where a pass over all of kb64_cpu's 128
    // rows, 8.2 KB apart, met them in 32 of the L1's 64 sets (NOTES 29 (f)) and read them from L2 for
    // each of the three taps. Measured through a Layer: this VM, one thread (3 alternations, medians)
    // kb64_cpu 3.77 -> 3.28 ms, kb74_cpu 3.05 -> 2.75, grouped_cpu and kb79_cpu level; the H200
    // machine's 16 cores (run 75, raw/h200-host-2026-12-04-run75-general-nest-chunks-ab.txt, 4
    // alternations) kb64_cpu 0.68 -> 0.64 ms, the others within that machine's spread.
    // Grouped, with C_out / groups a multiple of the tile's channels (the generator then writes their
    // group as one value): the tile lies in one group, so that one x vector again meets the tile's
    // broadcast weights, instead of a load of x per channel (the grouped loop nest, the last below).
    RVar cio("cio"), cii("cii"), cc("cc"), cic("cic");
    // (taps: a phase's taps when the nest unrolls them inside the channels, 2 or 3; 0 for the general nest)
    auto channels = [&](Stage st, int taps) {
        if (taps > 0) {
            st.split(ci, cio, cii, std::max(1, unroll / taps), TailStrategy::GuardWithIf);
            st.reorder(s.q, s.co, m, cii, cio, rz).unroll(m);
        } else {
            st.split(ci, cc, cic, 32, TailStrategy::GuardWithIf);
            st.split(cic, cio, cii, unroll, TailStrategy::GuardWithIf);
            st.reorder(s.q, s.co, cii, cio, m, cc, rz);
        }
        if (lanes_co) {
            // position by position: its x broadcast, then each tap's vector of channels
            if (taps > 0) {
                st.reorder(s.co, m, s.q, cii, cio, rz);
            } else {
                st.reorder(s.co, s.q, cii, cio, m, cc, rz);
            }
            st.unroll(cii).vectorize(s.co, vec).unroll(s.co).unroll(s.q);
        } else {
            st.unroll(cii).vectorize(s.q, vec).unroll(s.q).unroll(s.co);
        }
    };
    // Each nest also where every phase has a tap in each slot (all_slots: K a multiple of the step, so
    // at stride 1 always), its taps untested; otherwise a phase with fewer taps tests each slot past its
    // first (the generator's own taps: an `if` a tap and chunk of channels in the general nest, which in
    // the untested case cost grouped_cpu 0.80 -> 1.10-1.22 ms on this VM, NOTES 49 (e))
    // With the channels in the lanes, three taps a phase at dilation 1 (K 3 at stride 1: kb64_cpu,
    // grouped_cpu) as two: a channel's taps together inside its positions, unrolled, so that x[i] is
    // broadcast once for the three positions i + m it meets (P + 2 broadcasts and 3 weight vectors for
    // 3·P FMAs, LLVM merging the same loads: 26 vbroadcastss for 78 FMAs in the AVX-512 loop), where the
    // general nest broadcasts x P times a tap. Measured outside Halide on the H100 machine's Xeon
    // (tools/cpu_tile_probe.cpp, NOTES 53 (e)): one core 126-148 GFLOP/s against the taps-outside order's
    // 93-128; 16 busy threads 58-62 a thread against 52-55. This variant on this session's AMD VM (AVX2: 10
    // positions; 2 threads through a Layer, 3 alternations, ms): kb64_cpu 6.20-6.37 -> 3.07-3.31, grouped_cpu
    // 2.04-2.14 -> 1.61-1.65 (cpu_phase's 2 × 4 tile there: 2.67-2.75 and 1.00-1.07; NOTES 53 (f)).
    const int lane_taps = lanes_co ? 3 : 0;
    Stage update = s.conv.update();
    if (by_cols) {
        // A phase's few columns a position (m: its taps), read as vectors along q from the columns'
        // buffer (x's positions innermost, below).
        update.reorder(s.q, s.co, m).vectorize(s.q, vec).unroll(s.q);
        schedule_cols(target, s, t);
    } else {
        channels(update.specialize(s.groups == 1 && s.dilation == 1 && s.two_taps), 2);
        if (lane_taps) channels(update.specialize(s.groups == 1 && s.dilation == 1 && s.three_taps), lane_taps);
        channels(update.specialize(s.groups == 1 && s.all_slots), 0);
        channels(update.specialize(s.groups == 1), 0);
        channels(update.specialize(s.groups_in_blocks && s.dilation == 1 && s.two_taps), 2);
        if (lane_taps) channels(update.specialize(s.groups_in_blocks && s.dilation == 1 && s.three_taps), lane_taps);
        channels(update.specialize(s.groups_in_blocks && s.all_slots), 0);
        channels(update.specialize(s.groups_in_blocks), 0);
        channels(update, 0);
    }

    // ---- x zero-extended once (a pass over x), so that the inner loop's loads carry no boundary
    // select
    // (rows of 8 input channels a task: over the batch alone it ran on B cores, one for the vocoders;
    // on the H200 machine's 16 cores, run 39 against run 30's committed figures: kb74_cpu 0.680 ->
    // 0.554 ms, wide_cpu 1.34 -> 1.15, dac_up1_cpu 1.96 -> 1.77, encodec_up3_cpu 2.23 -> 1.84)
    // (cpu_cols reads x clamped, no zero-extended copy: each task copies its own rows, schedule_cols)
    const std::vector<Var> xa = s.xz.args();
    if (!by_cols) {
        s.xz.compute_root().vectorize(xa[0], vec, TailStrategy::GuardWithIf);
        if (xa.size() == 3) s.xz.reorder(xa[0], xa[2], xa[1]);  // (with phase_taps x's rows are one: (n, ci))
        s.xz.parallel(xa[1], 8);
    }
    if (k.phase_taps > 0) {
        // The phases' offsets into x (phase_taps: conv indexed by x's position, the generator): a table
        // of min(stride, L_out) values, not four divisions per output.
        s.phase_base.compute_root();
    }
    // Weights: every block of tile_co channels' taps of every phase gathered from w once per call (a
    // pass over w) into wtile (j, m, ci, cb, p): a block's weights for one input channel are its
    // 2 · tile_co consecutive floats (two taps), broadcast from one address register with constant
    // offsets, and the next input channel's follow them: one stream, read in order. Phase by phase (its
    // first tap k_p computed once a phase), the channels in vectors (gathers K floats apart). Measured
    // on the H200 machine's 16 cores (medians at 16 threads): wphase (m, co, ci, p) gathered once per
    // call left a block's weights 2 · C_out floats apart per input channel and its two
    // taps C_out apart; gathered per task into that order instead (run 64, raw/h200-host-2026-12-04-
    // run64-weights-per-task-ab.txt): wide_cpu 0.988 → 0.778 ms, bigvgan_up1_cpu 1.64 → 1.40,
    // dac_up1_cpu 1.55 → 1.43, kb74_cpu 0.494 → 0.422, encodec_up1_cpu 1.51 → 1.38; but a block of many
    // tasks (batch rows, chunks of positions) gathered again in each: stride4_cpu 0.584 → 0.634 (run 66,
    // 32 tasks a block) — hence the blocks, gathered once: against the gather of before both changes
    // (run 69, raw/h200-host-2026-12-04-run69-weights-by-block-ab.txt, with the unroll above):
    // dac_up1_cpu 1.53 → 1.13, bigvgan_up1_cpu 1.67 → 1.23, encodec_up1_cpu 1.62 → 1.19, wide_cpu 1.21
    // → 0.86, encodec_up3_cpu 1.71 → 1.47, grouped_cpu 0.270 → 0.228, kb64_cpu 0.692 → 0.620,
    // stride4_cpu, kb74_cpu and kb79_cpu level. (Tried before: the phases innermost, k_p's
    // divisions per element, twice as slow — per input channel, stride4_cpu 17 %, run 65; one channel at
    // a time with its boundary selects, 25 % of dac_up1_cpu; stored taps first, each broadcast took an
    // address register and the loop spilled.)
    // (Prepared once per layer instead, packed_w: the convt1d_pack_weights generator, the same schedule.)
    if (s.wtile.defined()) {
        s.wtile.compute_root();
        // (without the rows' copy of the pack generator's schedule: a call runs this wtile only where it
        // cannot prepare the weights, a stride far past K among them, and there the copy spans every tap
        // the phases reach, stride × taps: 137 GB on one of the fuzzer's problems)
        schedule_cpu_phase_weights(target, s.wtile, tile_co);
    }

    // ---- kernel 2: the output in position order ---------------------------------------------------
    // Strides 1 to 6 and 8 as constants: a tile of vec positions q of each phase, read as one vector
    // per phase and stored interleaved (Halide turns the unrolled phases' strided stores into dense
    // ones); any other stride gathers l / stride, l % stride one vector of l at a time, a division and
    // a remainder per lane (at stride 1 too, that gather took 54 % of kb74_cpu's time in perf). Strides
    // 3, 5 and 6 are the codecs' (EnCodec and DAC at 24 kHz: 8, 5, 4, 2; Mimi: 8, 6, 5, 4), none in the
    // suite: on this session's AMD VM, one thread through a Layer (B 1, C_in 256, C_out 128, K = 2 ·
    // stride, L_out about 6,000), the gather took 24 % of a stride-5 layer's samples (perf: idiv and
    // the lanes' inserts). As constants, 2 threads through a Layer, 3 alternations (ms): K 6 at stride 3
    // 7.09-7.65 -> 5.17-5.86, K 10 at 5 6.79-7.30 -> 5.04-5.57, K 12 at 6 6.85-7.11 -> 5.09-5.52, K 7 at
    // 3 (three taps a phase) 8.72-9.20 -> 7.48-8.00 (NOTES 48 (b)).
    // Within a task (the splits above, common to every specialisation): its tile_co channels, each
    // over the chunk's positions.
    Var lq("lq"), lp("lp");
    // Two taps a phase at strides above 1 (the vocoders' layers, wide_cpu): tasks of half as many
    // positions, twice as many tasks. Measured on the H200 machine's 16 cores through a Layer (run 80,
    // raw/h200-host-2026-12-04-run80-two-taps-half-tasks-ab.txt, the last 4 of 6 alternations; the
    // first 2 met a contended machine): wide_cpu 0.84 -> 0.63 ms, dac_up1_cpu 1.01 -> 0.84,
    // bigvgan_up1_cpu 1.01 -> 0.96, encodec_up3_cpu and stride4_cpu level. Halving every chunk (the list's
    // tile_l 1024, run 79, raw/...-run79-tile-l-1024-ab.txt) cost the other loop nests 10-15 % (kb64_cpu
    // 0.57 -> 0.65, kb79_cpu 0.41 -> 0.47, grouped_cpu 0.19 -> 0.22).
    auto in_order = [&](Stage st, int S, const Expr &chunk) {
        task(st, chunk);
        st.split(lr, lo, li, S * vec, TailStrategy::GuardWithIf)
            .split(li, lq, lp, S)
            .reorder(lp, lq, lo, cr)
            .unroll(lp)
            .vectorize(lq);
    };
    const Expr two_taps_nest = s.dilation == 1 && s.two_taps;
    for (int S : {1, 2, 3, 4, 5, 6, 8}) {
        const int cap = S <= 2 ? chunk_l : chunk_l / 8 * S;
        if (S == 1) in_order(s.out.specialize(s.stride == 1 && s.L_out >= cap && cap_fits(cap)), 1, Expr(cap));
        // (two-taps chunks by a quarter of the L2, or with the channels in the lanes by half of it and one
        // phase's weights (in_cache): 12-13 tiles a phase where a quarter left 5, 2 threads through a
        // Layer, GFLOP/s, bigvgan_up1_cpu 130-133 -> 149-154, encodec_up1_cpu 139-147 -> 151-155, NOTES 47)
        const Expr two_taps_chunk = chunk_of(cap / 2, S, true, lanes_co ? 2 : 4), chunk = chunk_of(cap, S, S > 1);
        if (S == 3 || S == 5 || S == 6) {
            // (one specialisation for both nests, its chunk a select: each of out's specialisations holds a
            // copy of the planes' loop nests, and two a stride took a whole build's generation from 4.9
            // to 6.9 minutes on this VM's 2 cores; one a stride, 5.9)
            in_order(s.out.specialize(s.stride == S), S, select(two_taps_nest, two_taps_chunk, chunk));
            continue;
        }
        if (S > 1) in_order(s.out.specialize(s.stride == S && two_taps_nest), S, two_taps_chunk);
        in_order(s.out.specialize(s.stride == S), S, chunk);
    }
    task(s.out, chunk_of(chunk_l, s.stride, true));
    s.out.split(lr, lo, li, vec, TailStrategy::GuardWithIf).vectorize(li);
}

void schedule_cpu_phase_weights(const Target &target, Func wtile, int tile_co, Func wz, const Expr &K) {
    // A task per block and 64 input channels (a group's blocks are few: 4 on grouped_cpu; 256 tasks on
    // the vocoder layers' 512 channels × 32 blocks of 8), phase by phase (k_p computed once a phase), the
    // channels in vectors (from the task's copy of w's rows, below): a task writes 64 input channels' run
    // of its block, 4 KiB contiguous a phase, and reads each channel's rows of the block (256-512 bytes, 16 KiB apart
    // on dac_up1_cpu). Tried (NOTES 44 (d), 45 (c)): a task per 16 input channels whole, phase by phase,
    // the channel's blocks in w's order (w read in order; a task's writes 1 KiB runs spread over the
    // whole buffer, 32 tasks). On this AMD VM's 2 threads it was 0-6 % faster a call (the pack alone on
    // one thread 2.2 -> 1.5-1.7 ms on dac_up1_cpu, raw/cpu-vm-amd-2026-12-05-pack-order-ab.txt); on the
    // H200 machine's 16 cores it made a call 10-25 % slower (dac_up1_cpu 1.59 against 1.23 ms, medians of
    // 8 alternations; encodec_up1_cpu and bigvgan_up1_cpu 6 of 8 slower, run 116,
    // raw/h200-host-2026-12-05-run116-gather-order-ab.txt), and 4 channels a task (128 tasks) between.
    const std::vector<Var> wa = wtile.args();  // j, m, ci, cb, p
    Var wco("wco"), wci("wci"), wt("wt");
    wtile.split(wa[2], wco, wci, 64, TailStrategy::GuardWithIf)
        .reorder(wa[0], wa[1], wci, wa[4], wa[3], wco)
        .fuse(wa[3], wco, wt)
        .vectorize(wa[0], tile_co, TailStrategy::GuardWithIf)
        .parallel(wt);
    // Given wz (the pack generator: its taps are bounded by the runtime's check of the packed size,
    // prepare_weights), the task's rows of w copied first (wrows: its block's tile_co channels × every tap
    // × its 64 input channels, 32 KiB at K 16 with 8 channels), stored with the channels innermost, so that wtile's
    // vectors of channels are dense loads where they were gathers K floats apart: w read along its taps
    // in vectors of kv, the block's channels unrolled, whose strided stores Halide makes one interleaving
    // store (a transpose in registers, checked in the stmt). Below kv taps (kb64's 3, wide's 4) the copy
    // stays scalar: rounded up to a vector, its clamped loads of the taps past K are gathers (2.6-7× the
    // time of the gathers before, one thread, K 3 to 8, rounded to AVX-512's 16). The pack alone on
    // the H100 machine's CPU (AVX-512, tile_co 8; medians, ms, 16 threads / 1 thread; run 187,
    // raw/h100-2026-12-07-run187-cpu-weights-pack-ab.txt): dac_up1_cpu's weights 0.140 -> 0.116 /
    // 1.59 -> 0.88, encodec_up1_cpu's the same, bigvgan_up1_cpu's 0.136 -> 0.138 / 0.79 -> 0.42; wide_cpu's
    // and kb64_cpu's level (0.088-0.089, 0.024-0.026 / 0.18, 0.031-0.035).
    if (!wz.defined()) return;
    const int kv = std::min(target.natural_vector_size<float>(), 8);
    Func wrows = wz.in(wtile);
    const std::vector<Var> ra = wrows.args();  // k, co_g, ci
    Var ko("ko"), ki("ki");
    wrows.compute_at(wtile, wt)
        .reorder_storage(ra[1], ra[0], ra[2]);
    wrows.specialize(K >= kv)
        .split(ra[0], ko, ki, kv, TailStrategy::RoundUp)
        .reorder(ki, ra[1], ko, ra[2])
        .vectorize(ki)
        .unroll(ra[1]);
}

}  // namespace convt1d
