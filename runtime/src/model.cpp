// The untuned choice: a cost model of each variant on the problem, built from the problem's own
// figures (multiply-adds, bytes, taps per phase, input channels, blocks) and the variant's knobs
// (register block, loads per multiply-add, staging, passes, launches) — no factor fitted to a
// benchmark's winners. It ranks; the tuner measures the few it ranks highest (runtime/src/convt1d.cpp).
//
// Time = max(arithmetic, memory) + launches, where
//   arithmetic = waves of blocks × one block's time × issue slots per FMA instruction:
//     a block's time = its busy threads' multiply-adds (reg_l · reg_co × input channels × the taps an
//       output executes: K rounded to whole steps; a position-indexed kernel at stride > 1 steps
//       every lane through every tap residue, the phases of its lanes diverging) at its share of an
//       SM, and no less than one thread's chain at a clock a multiply-add;
//     waves = ceil(blocks ÷ the blocks the SMs hold: threads, registers, shared memory);
//     latency = 8 ÷ the warps an SM holds, where fewer (2 warps a scheduler hide the latency);
//     issue slots per FMA = 1 + (x loads and their index and boundary work + weight loads + loop
//       work) ÷ (reg_l · reg_co), or the L1 wavefronts of those loads × 4 ÷ (reg_l · reg_co) where
//       more (L1 serves one wavefront a clock while four FMA warp instructions issue);
//   memory = bytes moved ÷ the copy rate: x (the general family's phases each read it, from DRAM where
//     it passes the L2), w, out, and the general family's phase planes (written
//     once per input-channel chunk); the passes of their own are added, not overlapped: x's padded
//     copy before (pad_x: x read, its copy written), the general family's output kernel after (the
//     planes read, out written);
//   launches = kernels × a launch's cost.
// The columns' form (cuda_cols) has a model of its own (cols_cuda_seconds, below).
#include "internal.h"

#include "geometry.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace convt1d::detail {
namespace {

// The GPU's figures (Hopper: the H100 and H200 of bench/results/): FP32 FMA rate, copy rate, SMs,
// and what one kernel launch costs beside the work (Halide's CUDA runtime, back to back).
constexpr double kFmaPerSecond = 33.5e12;  // 67 TFLOP/s
constexpr double kCopyBytesPerSecond = 3.0e12;
constexpr int kSMs = 132;
constexpr double kLaunchSeconds = 4e-6;
// An SM's limits: threads, registers, and shared memory beside the L1.
constexpr int kThreadsPerSM = 2048;
constexpr int kRegistersPerSM = 65536;
constexpr int64_t kSharedPerSM = 228 * 1024;
constexpr double kWarpsToHideLatency = 8;  // 4 schedulers × 2 warps
constexpr double kPhaseUnrollHidingLatency = 8;  // ... the general family's with 8 input channels' loads in flight (below)


// Taps executed per landing tap: K rounded to whole steps where each phase's taps are computed (the
// closed form, or a geometry compiled in: step = stride / gcd(stride, dilation)); where each tap
// residue is tested (tested = true, stride > 1) every one of min(stride, K) residues is stepped
// through, ceil(K / stride) taps each, for the K / stride that land.
double taps_executed(int64_t K, int64_t S, int64_t step, bool tested) {
    if (tested && S > 1) return double(std::min(S, K) * ceil_div(K, S)) * S / K;
    return double(ceil_div(K, step) * step) / K;
}

struct Figures {
    int64_t B, C_in, C_out, K, L_in, L_out, cin_g, cout_g;
    Params p;
};

// The blocks an SM holds at once: of `threads` threads at `regs` registers each, staging `shared` bytes (at
// least one; at most 32, the SM's limit).
int64_t blocks_per_sm(int64_t threads, int64_t regs, int64_t shared) {
    return std::max<int64_t>(1, std::min({int64_t(kThreadsPerSM / threads), int64_t(kRegistersPerSM / (regs * threads)),
                                          kSharedPerSM / std::max<int64_t>(shared, 1), int64_t(32)}));
}

// One block's time: its busy threads' multiply-adds (thread_macs each) at the share of an SM that `sharing` blocks
// leave it, and no faster than one thread's chain at a clock a multiply-add (128 FMA lanes an SM).
double block_seconds(int64_t busy, double thread_macs, int64_t sharing) {
    const double clock = kFmaPerSecond / (kSMs * 128.0);
    return std::max(double(busy) * thread_macs * double(sharing) * kSMs / kFmaPerSecond, thread_macs / clock);
}

// The columns' form on the GPU (cuda_cols, schedules/cuda_cols.cpp). Kernel 1: B·L_in positions, a thread reg_l
// of them × reg_co columns, each group's cout_g·K columns rounded up to whole tiles of reg_co, summed over the
// group's input channels: per input channel reg_l x loads (with their clamps and addresses: 6 issue slots each)
// and reg_co / 4 broadcast 16-byte shared loads for reg_l·reg_co multiply-adds. x is read once a tile of
// columns. Its warps hide latency by the loads they have in flight: unroll_ci input channels' x loads a
// thread, so that where the grid is too small to fill the SMs (few columns: one tile, B × L_in threads) the
// rate at which x arrives is what the loads in flight allow, bytes in flight ÷ a DRAM access's latency
// (Little's law), below the copy rate. The columns are written, then read by kernel 2, which writes the output;
// a small kernel tabulates the phases first. Split over input channels (split_ci: each chunk's columns a block's,
// then a kernel adding them), the blocks are chunks times as many and each sums a chunk; the partial columns are
// written and read.
constexpr double kL2Bytes = 50e6;        // Hopper's L2 (50 MB on the H100 and H200)
constexpr double kDramLatencySeconds = 0.7e-6;  // a DRAM load's latency under load (~1,400 clocks at 1.98 GHz)
double cols_cuda_seconds(const VariantEntry &v, const Figures &f) {
    const int64_t reg_co = std::max(v.reg_co, 1), reg_l = std::max(v.reg_l, 1), threads = std::max(v.tile_l, 32);
    const int64_t unroll = std::max(v.unroll_ci, 1);
    const int64_t tiles = ceil_div(f.cout_g * f.K, reg_co);  // a group's column tiles
    const int64_t chunks = input_chunks(v, f.cin_g), cin_block = v.split_ci > 0 ? std::min<int64_t>(v.split_ci, f.cin_g) : f.cin_g;
    const double F = double(reg_l) * reg_co;
    // (an x load's issue slots: the load, its channel's clamp and address, 6 PTX instructions)
    const double issue = 1 + (6.0 * reg_l + reg_co / 4.0 + 2.0 / unroll) / F;
    // the grid: blocks of `threads` threads along the rows' positions (folded), a block a tile, group (and chunk)
    const int64_t blocks = ceil_div(f.B * f.L_in, threads * reg_l) * tiles * f.p.groups * chunks;
    const int64_t shared = reg_co * ceil_div(cin_block, unroll) * unroll * 4;
    const int64_t per_sm = blocks_per_sm(threads, std::max(v.max_regs, 32), shared);
    const int64_t slots = kSMs * per_sm;
    const double thread_macs = F * cin_block;
    const int64_t busy = std::min<int64_t>(threads, ceil_div(f.B * f.L_in, reg_l));
    // (a block's share of an SM: the blocks an SM holds, or where the grid is under one wave those it gets —
    // one row of 100 positions at 256 column tiles is 256 blocks, two an SM)
    const int64_t sharing = std::min(per_sm, ceil_div(blocks, kSMs));
    const double resident_warps = double(sharing) * ceil_div(threads, 32) * double(unroll) / kPhaseUnrollHidingLatency;
    const double latency = std::max(1.0, kWarpsToHideLatency / resident_warps);
    const double arithmetic = double(ceil_div(blocks, slots)) * block_seconds(busy, thread_macs, sharing) * issue * latency;
    const double xb = 4.0 * f.B * f.C_in * f.L_in, wb = 4.0 * f.C_in * f.cout_g * f.K;
    const double ob = 4.0 * f.B * f.C_out * f.L_out, cb = 4.0 * f.B * f.C_out * f.K * f.L_in;
    // x read once a tile of columns: from DRAM where it passes the L2, else from the L2 after the first, counted
    // at the copy rate too (K 1 at C_out 512, 32 tiles of x's 33 MB: the columns' kernel 0.45 ms, its warps
    // stalled on those loads, ncu, H100 run 164)
    const double x_reads = double(tiles);
    // (a group's loads are issued together and consumed in order by its multiply-adds, the next group's issued
    // after them: unroll_ci / 2 a thread on average. Split, a thread's x loads stay in its multiply-adds' loop,
    // schedules/cuda_cols.cpp: one in flight. Counted at 8, hifigan_b1_up1's chunks of 64 — 2,048 blocks over a
    // row of 100 positions — were estimated 0.046 ms and took 0.083, H100 run 167; their columns' kernel as long
    // as the whole form's, 72 us at ncu's clocks, run 174; NOTES 61)
    const int64_t loads = chunks > 1 ? 1 : std::max<int64_t>(unroll / 2, 1);
    const double in_flight = double(std::min(blocks, slots)) * busy * loads * reg_l * 4;
    const double rate = std::min(kCopyBytesPerSecond, in_flight / kDramLatencySeconds);
    const double pb = chunks > 1 ? cb * double(chunks) : 0;  // split: the partial columns
    const double memory = (xb * x_reads + wb + (chunks > 1 ? pb : cb)) / rate;
    const int kernels = chunks > 1 ? 4 : 3;  // (the phases' table, the columns, the chunks' sum where split, the output)
    return std::max(arithmetic, memory) + (pb + (chunks > 1 ? cb : 0) + cb + ob) / kCopyBytesPerSecond + kernels * kLaunchSeconds;
}

double cuda_seconds(const VariantEntry &v, const Figures &f, const ConstTensor &x, const ConstTensor &w) {
    if (gpu_cols(v)) return cols_cuda_seconds(v, f);
    const int64_t S = f.p.stride, d = f.p.dilation;
    const std::string family = v.family;
    const bool phase = general_gpu(v);
    const bool warp = family == "cuda_warp" || family == "cuda_phase_warp";  // one-warp blocks, lanes striped
    const bool in_place_v = in_place(v);
    // ---- taps executed per output ------------------------------------------------------------
    const int64_t step = (v.only || phase) ? tap_step(int(S), int(d)) : S;
    // by position (no stride compiled in): a warp's lanes are in different phases, every lane steps
    // through each tap residue
    double taps = taps_executed(f.K, S, step, !phase && v.stride == 0);
    if (v.phase_taps > 0) taps = double(v.phase_taps * step) / f.K;  // phase_taps a phase, zeros past K
    // (with tap_classes each class's slots, below)
    const int64_t positions = phase ? ceil_div(f.L_out, S) : f.L_out;  // per phase for cuda_phase
    const int64_t tile = block_positions(v);

    const double taps_per_phase = double(ceil_div(f.K, step));
    const int64_t chunks = input_chunks(v, f.cin_g);
    // split, a launch a chunk in turn, or with grid_chunks the chunks' blocks in one grid
    const bool chunks_in_grid = v.grid_chunks != 0;  // (a cuda_phase point with split_ci and phase_taps only)
    const int64_t cin_block = phase && v.split_ci > 0 ? std::min<int64_t>(v.split_ci, f.cin_g) : f.cin_g;
    // One kernel's arithmetic time: its blocks of reg_co channels a thread over `phases` phases, each
    // position executing taps_per_output taps (its window, where phase_taps, of window_taps), a block
    // staging `shared` bytes. The variant's one sums kernel, or with tap_classes each class's (below).
    auto kernel_seconds = [&](int reg_co, int window_taps, double taps_per_output, int64_t phases, int64_t shared) {
        // ---- issue slots per FMA instruction -------------------------------------------------------
        const double F = double(v.reg_l) * reg_co;  // multiply-adds per thread per (input channel, tap)
        // (the general family unrolls two taps a phase at dilation 1, schedules/cuda_phase.cpp; the
        // one-warp form's lanes hold positions 32 apart, so its taps share no x)
        const bool two_taps = phase && !warp && f.K == 2 * step && d == 1 && f.p.groups == 1;
        const bool taps_unrolled =
            v.only || two_taps || (v.taps > 0 && f.K == v.taps && S == 1 && d == v.dil && f.p.groups == 1);
        double x_loads = v.reg_l;  // per (input channel, tap): one per position
        if (window_taps > 0) {
            // a window of x per input channel as aligned 16-byte vectors: reg_l + window_taps − 1 values
            x_loads = std::ceil((v.reg_l + window_taps - 1) / 4.0) / window_taps;
        } else if (taps_unrolled) {
            // a window of x per input channel serves every tap: reg_l + (K − 1)·dilation values
            const double window = double(v.reg_l) / std::max<int64_t>(v.stride, 1) + (taps_per_phase - 1) * d;
            x_loads = (v.only ? std::ceil(window / 4) : window) / taps_per_phase;  // only: 16-byte vectors
        }
        const bool bounds_free = v.pad_x || in_place_v;  // zero-extended or in-place x: no boundary select
        double x_instr = x_loads * (bounds_free ? 1.5 : 4.0);  // load + address (+ clamp, compare, select)
        if (f.p.groups > 1) {
            // the grouped loop nest: each channel's own x (its group's) and a division for its group
            x_loads *= reg_co;
            x_instr = x_loads * 4.0 + reg_co;
        }
        const double w_instr = v.stage_w ? reg_co / 4.0 : reg_co;  // 16-byte shared loads, or scalar global
        const double loop_instr = 2.0 / std::max(v.unroll_ci, 1);
        const double issue = 1 + (x_instr + w_instr + loop_instr) / F;
        // L1 wavefronts a warp's loads take per (input channel, tap): lanes reg_l positions apart touch
        // reg_l lines per load (one-warp blocks stripe positions over the lanes: one); broadcast weights
        // one per load. A window's loads (phase_taps) take twice that, each kind: ncu of the k512 window
        // point's chunk kernel at 64 × 8 and 128 × 16 (bigvgan24k_up2, H100 run 181) counts 7.2-7.7 L1
        // wavefronts a warp per 16-byte x load of 4 positions a lane, and 2.0 per 16-byte broadcast weight
        // load, so 1.40 and 0.98 wavefronts × 4 per multiply-add instruction (1.5 and 1.0 here). Counted as
        // the other kinds, 0.75 and 0.5, both under the issue cost, the 64 × 8 tile entered 16 of 49 fours
        // and came first on mimi_up3 and batch64_short, measured 1.47× and 1.42× their fastest (H100 run 178;
        // NOTES 62)
        const double window_wavefronts = window_taps > 0 ? 2.0 : 1.0;
        const double x_wavefronts = x_loads * (warp ? 1 : std::max(v.reg_l, 1)) * window_wavefronts;
        const double l1 = 4 * (x_wavefronts + w_instr * window_wavefronts) / F;
        // ---- grid fill ---------------------------------------------------------------------------
        // (a window point of under 64 position threads: 64 / tile_l threads along its channels, schedules/geometry.h)
        const int co_threads = warp ? 1 : window_co_threads(v.tile_l, window_taps);
        const int threads = warp ? 32 : std::max(v.tile_l * co_threads, 32);
        const int64_t block_tile = warp ? int64_t(32) * std::max(v.reg_l, 1) * std::max(v.tile_l / 32, 1) : tile;
        const int regs = std::max(v.max_regs, 32);
        // Tiles of a phase: each batch row's positions rounded up to whole tiles, or with phase_taps and
        // x's copy (pad_x) the rows folded into one run of B × pitch positions (schedules/geometry.h)
        const int64_t tiles = folds_rows(v)
                                  ? ceil_div(f.B * folded_row_slots(v, f.L_out, f.p), block_tile)
                                  : ceil_div(positions, block_tile) * f.B;
        // (split, every chunk's blocks in one grid: schedules/cuda_phase.cpp)
        const int64_t blocks = tiles * ceil_div(f.C_out, int64_t(reg_co) * co_threads) * phases * (chunks_in_grid ? chunks : 1);
        const int64_t per_sm = blocks_per_sm(threads, regs, shared);
        const int64_t slots = kSMs * per_sm;
        // Waves × one block's time. A block's busy threads (those of its positions the problem has) each
        // run their register block over its input channels and taps, at the share of an SM that per_sm
        // blocks leave it, and no faster than one instruction a clock down a thread's chain (a block of
        // a few busy threads: a short row end); a grid of more blocks than the SMs hold takes
        // ceil(blocks / slots) such waves (a grid of whole waves: executed ÷ the FMA rate).
        const double thread_macs = double(std::max(v.reg_l, 1)) * reg_co * cin_block * taps_per_output *
                                   (warp ? std::max(v.tile_l / 32, 1) : 1);
        const int64_t busy = std::min<int64_t>(threads, ceil_div(std::min(positions, block_tile), std::max(v.reg_l, 1)) * co_threads);
        const double block = block_seconds(busy, thread_macs, per_sm);
        // Latency: a scheduler issues every clock only with a warp to switch to while another waits on
        // its loads (a shared or L1 load's 30 clocks and more; a thread's accumulators cover the FFMA's
        // own 4): at least 2 warps a scheduler, 8 an SM; fewer resident warps issue proportionally less
        // (a block of 128 KiB of staged weights of 128 threads: one block, 4 warps an SM).
        // The general family's warps count by their loads in flight: its thread's only independent
        // loads are its unrolled input channels' (unroll_ci), so a warp of 4 hides half what a warp of
        // the list's 8 does (bigvgan_up1's whole 4 × 8 block of 4 unrolled channels, two 96 KiB blocks
        // an SM, 8 warps: 3.41 ms against 2.11 for 12 warps of 8 and 2.18 for 20 warps of 8, H200 runs 47
        // and 48; NOTES 31 (c), 33 (f), 35). (The other families' threads hold several positions' or
        // taps' loads in flight, counted as the warps.) A grid under one wave has the warps its blocks bring, not
        // those an SM could hold, and a block's busy warps only: hifigan_b1_up1's one row of 100 positions makes
        // the phase points' 256 blocks, two an SM, each one warp of 25 busy threads; counted as a full SM of
        // 128-thread blocks they were estimated 0.033-0.038 ms and took 0.089-0.101 (H100 run 167, NOTES 61).
        // (The phase kernels' threads past a row's positions compute too, their sums discarded: ncu counts all
        // 128 threads' multiply-adds in demucs_up1's blocks of 40 busy, NOTES 61 (j). Counting them here ranks
        // the same four on the measured shapes, the untuned choice a little worse; not changed unmeasured.)
        const int64_t sharing = std::min(per_sm, ceil_div(blocks, kSMs));
        const double resident_warps = double(sharing) * ceil_div(warp ? threads : busy, 32) *
                                      (phase ? std::max(v.unroll_ci, 1) / kPhaseUnrollHidingLatency : 1.0);
        const double latency = std::max(1.0, kWarpsToHideLatency / resident_warps);
        // Split over input channels, each chunk sums cin_block channels but the last, over what is left: C_in
        // 768 in chunks of 512 is 1.5 chunks' work where counting whole chunks made it 2 (a DAC-24k layer: the
        // 512 point ranked 7th at 3.39 ms, and measured fastest, 3.64 against 3.73 for the 256 point and 3.99
        // for the point the tuner ran; H100 run 123, NOTES 51). Launched in turn, a chunk's blocks do not share
        // waves with the next's; in one grid, they do, and a grid of one wave takes one whole chunk's block.
        const double work = double(chunks - 1) + double(f.cin_g - (chunks - 1) * cin_block) / cin_block;
        const double waves = chunks_in_grid ? std::max(1.0, double(ceil_div(blocks, slots)) * work / chunks)
                                            : double(ceil_div(blocks, slots)) * work;
        return waves * block * std::max(issue, l1) * latency;
    };
    double arithmetic = 0;
    if (v.tap_classes) {
        // A kernel a class: the phases of three taps (K − 2·step of a step's; one at least: where empty, K <=
        // 2·step, one phase's sums that no output reads) at three slots, a block staging their 3 taps; the
        // others at two, skipped where empty (K = 3·step: Halide's skip_stages). tap_classes 2 gives the
        // class of three reg_co / 2 channels a thread: twice its blocks, half its block's weights (K 11 at
        // stride 5, C_in 1,536: 1.61 against 1.69 ms, the class of three's 192 blocks at 2 an SM before;
        // H100 run 152, NOTES 54 (b)).
        const int64_t three = std::clamp<int64_t>(f.K - 2 * step, 0, step), two = step - three;
        const int reg_co3 = class_three_channels(v);
        const int64_t bytes_a_channel = 4 * cin_block;
        arithmetic = kernel_seconds(reg_co3, 3, 3, std::min<int64_t>(std::max<int64_t>(three, 1), f.L_out),
                                    int64_t(reg_co3) * 3 * bytes_a_channel);
        if (two > 0) {
            arithmetic += kernel_seconds(v.reg_co, 2, 2, std::min<int64_t>(two, f.L_out), int64_t(v.reg_co) * 2 * bytes_a_channel);
        }
    } else {
        // (the general family: a phase each)
        arithmetic = kernel_seconds(v.reg_co, v.phase_taps, double(f.K) / S * taps, phase ? std::min(S, f.L_out) : 1,
                                    shared_bytes(v, x, w, f.p));
    }

    // ---- bytes and launches ------------------------------------------------------------------
    const double xb = 4.0 * f.B * f.C_in * f.L_in, wb = 4.0 * f.C_in * f.cout_g * f.K;
    const double ob = 4.0 * f.B * f.C_out * f.L_out;
    double bytes = xb + wb + ob;
    // the phase sums read x (or its copy) once a phase: from DRAM each time where x passes the L2 (a
    // separation decoder's 65 MB at stride 8: 0.177 ms on the H100 where one read takes 0.022, run 161)
    if (phase && xb > kL2Bytes) bytes += xb * double(std::min(S, f.L_out) - 1);
    int kernels = 1 + (v.pad_x ? 1 : 0);
    // Passes of their own add their bytes to the time instead of hiding under the arithmetic: x's
    // zero-extended copy (pad_x: x read and its copy written) runs before the main kernel, and the
    // general family's output kernel (the planes read, out written) after it (kb64's 2.1 GB output:
    // 1.4 ms of a 14 ms call).
    double serial_bytes = v.pad_x ? 2 * xb : 0;
    if (phase && v.split_ci > 0) {
        // the chunks' planes written; the output's kernel reads them all, adds them to the bias and
        // writes out
        bytes += ob * chunks;
        serial_bytes += (chunks + 1) * ob;
        kernels += int(chunks_in_grid ? 1 : chunks) + 1;  // the chunks' launches (one, in a grid), the output's
    } else if (phase) {
        bytes += ob;  // the planes written
        serial_bytes += 2 * ob;  // read by the output's kernel, out written
        kernels += 1;
    } else if (!(v.stage_w && v.stride > 0) && !warp) {
        bytes += 2 * wb;  // the transposed weights
        ++kernels;
    }
    if (in_place_v) kernels += 4;  // the row ends: two more calls
    if (v.phase_taps > 0) kernels += 1;  // the phases' offsets into x, tabulated
    if (v.tap_classes) kernels += 2;     // a kernel a class, and the phases' first taps tabulated
    const double memory = bytes / kCopyBytesPerSecond;
    return std::max(arithmetic, memory) + serial_bytes / kCopyBytesPerSecond + kernels * kLaunchSeconds;
}

// The CPU's figures, the 2-core development machine's order: FMA rate, copy rate, a call's fixed cost
// (thread pool), and a gathered element's cost (a weight put in a tile's order)
constexpr double kCpuFmaPerSecond = 50e9, kCpuBytesPerSecond = 10e9, kCpuCallSeconds = 10e-6;
constexpr double kCpuGatherSeconds = 1e-9;

// The work a tile of `tile` computes for each of n that are used: n rounded up to whole tiles, over n
// (a CPU tile of 8 channels on a layer of one output channel: 8).
double rounded_to_tiles(double n, double tile) { return std::ceil(n / tile) * tile / n; }

// The columns' form (cpu_cols, schedules/cpu_phase.cpp): per input position and task block of tile_co
// channels (reg_co, halved below AVX-512 as cpu_phase's), the block's columns co_g·K + k for every tap at
// once, in register tiles of 8 columns × 2 vectors of positions (cpu_phase's 2 × 8 tile: the same loads
// per FMA), the columns rounded up to whole tiles; each block reads its task's rows of x once (a copy),
// and its phase sums read the columns (written, then read: 2 · 4 bytes a column) and write the output.
// Its weights are put in the columns' order in every call (a division an element: a gathered element).
// No pass over x. So it runs a layer of few output channels (one: 16 columns of K 16, where cpu_phase's
// tile computes 8 channels for 1) at its tile's rate, and a layer of many reads x once a block.
double cols_seconds(const VariantEntry &v, const Figures &f, double useful) {
    const double block = std::min<double>(double(f.cout_g), std::max(v.reg_co, 1));
    const double columns = block * f.K, kt = 8, cv = 2;
    const double rounded = rounded_to_tiles(columns, kt);
    const double loads_per_fma = (kt + cv) / (kt * cv);
    const double blocks = std::ceil(double(f.C_out) / block);
    const double xb = 4.0 * f.B * f.C_in * f.L_in, ob = 4.0 * f.B * f.C_out * f.L_out;
    const double cols_bytes = 2 * 4.0 * f.B * f.C_out * f.K * f.L_in;
    const double weights = double(f.C_in) * f.cout_g * f.K;
    return useful * rounded * (1 + loads_per_fma) / kCpuFmaPerSecond +
           (xb * blocks / f.p.groups + cols_bytes + ob) / kCpuBytesPerSecond + weights * kCpuGatherSeconds +
           kCpuCallSeconds;
}

// The tested form's x window (schedules/cpu.cpp: xz.in(conv) at the input-channel loop): for each of a tile's
// input channels and tap residues, the x its 2 vectors × 4 channels read over the residue's ⌈K / stride⌉ taps,
// each vector loaded, tested against x's bounds (compare, select) and stored: 4 instructions a vector, over the
// tile's 8 vector FMAs a tap. Its channels are those of the groups the tile's 4 output channels meet (Halide's
// bounds, from the tile's first and last channel): one where the tile lies in a group, four a depthwise layer's
// (one input channel each: a window of 4 channels for 16 FMAs).
double tested_window_per_fma(const Figures &f) {
    constexpr int64_t tile_co = 4, tile_l = 16, vec = 8;
    const int64_t taps = ceil_div(f.K, f.p.stride);
    // the groups a tile of channels meets, averaged over the tiles of a period of the layer's channels
    int64_t spans = 0, tiles = 0;
    for (int64_t co = 0; co < f.C_out && tiles < 64; co += tile_co, ++tiles) {
        spans += (std::min(co + tile_co, f.C_out) - 1) / f.cout_g - co / f.cout_g + 1;
    }
    const double channels = (double(spans) / double(std::max<int64_t>(tiles, 1)) - 1) * double(f.cin_g) + 1;
    const double vectors = channels * double(ceil_div(tile_l + (taps - 1) * f.p.dilation, vec));
    return vectors * 4 / (2.0 * tile_co * taps);
}

double cpu_seconds(const VariantEntry &v, const Figures &f) {
    // The CPU families: the tested form (cpu) vectorises along phases of strides 1, 2 and 4 only
    // and takes any other stride one position at a time (8 lanes idle of 8), and steps each phase
    // through every tap residue, testing which land (as the GPU's position-indexed kernels); the
    // closed form (cpu_phase) runs each phase's landing taps alone, any stride in vectors, plus a
    // pass that gathers every phase's weights, and each task puts its phase planes (in cache) back in
    // position order.
    // Loads per FMA: cpu_phase's tile (schedules/cpu_phase.cpp) is reg_l vectors × reg_co channels
    // (AVX-512; below it the channels halved and the vectors 3/2, schedules/schedule.h), so reg_l +
    // reg_co loads a tap for reg_l·reg_co FMAs (2 + 8 for 16 at the list's 2 × 8); the cpu family's 2 × 4 tile reads each
    // weight through its boundary select (a masked load and two mask moves: 3 instructions), so
    // 2 + 4·3 for 8 FMAs. Grouped, each channel loads its own x (the grouped loop nest): one x load
    // per FMA beside the weights'; except in cpu_phase where its tile's channels (reg_co with AVX-512,
    // half below) divide C_out / groups, counted here where reg_co does (every target's tile then lies
    // in one group, and shares its x loads as with one group).
    const double useful = double(f.B) * f.C_out * f.cin_g * f.K * f.L_in;
    const int64_t S = f.p.stride;
    // (the columns' form, cpu_cols: below)
    if (std::string(v.family) == "cpu_cols") return cols_seconds(v, f, useful);
    const bool phase = std::string(v.family) == "cpu_phase";
    const double lanes_idle = (!phase && S != 1 && S != 2 && S != 4) ? 8.0 : 1.0;
    const int64_t step = phase ? tap_step(int(S), int(f.p.dilation)) : S;
    // (the closed form sums each phase's own taps, window or not: K in all; the tested form its slots)
    const double taps = phase ? 1.0 : taps_executed(f.K, S, step, true);
    const double tile_fmas = phase ? double(v.reg_l) * v.reg_co : 8.0;
    const bool tiles_in_groups = f.p.groups == 1 || (phase && f.cout_g % v.reg_co == 0);
    double loads_per_fma = phase ? (!tiles_in_groups ? 1 + v.reg_co / tile_fmas : (v.reg_l + v.reg_co) / tile_fmas)
                                 : (f.p.groups != 1 ? 1 + 12.0 / 8 : 14.0 / 8);
    if (!phase) loads_per_fma += tested_window_per_fma(f);
    // cpu_phase's tile of reg_co channels rounded up past a group's channels (every tile inside a group),
    // or past C_out: a layer of one output channel runs 8 sums a position for 1 (its 7 others read
    // zero weights and are not stored)
    const double tile_co = phase ? double(v.reg_co) : 1.0;
    const double channels = tiles_in_groups ? double(f.cout_g) : double(f.C_out);
    const double rounded = rounded_to_tiles(channels, tile_co);
    // and x zero-extended first: a pass over x, read and written (cpu_phase without a window)
    const double xb = 4.0 * f.B * f.C_in * f.L_in;
    const double x_pass = phase && v.phase_taps == 0 ? 2 * xb / kCpuBytesPerSecond : 0;
    const double ob = 4.0 * f.B * f.C_out * f.L_out;
    const double weights = double(f.C_out) * f.cin_g * f.K;  // cpu_phase's gather: ~1 ns an element
    // With the taps a phase compiled in (phase_taps: the batch rows folded, the planes indexed by x's
    // position) the output's pass reads each phase's plane through its offset into x, counted as a
    // gather like the weights', where the plain closed form interleaves whole vectors (measured on
    // this VM, cpu_phase against cpu_phase_w2, bench/results/raw/cpu-vm-2026-12-03-cpu_phase_w2-ab.txt:
    // stride4_cpu 1.6-1.9 against 2.2-2.5 ms, encodec_up3_cpu 6.0-8.9 against 7.3-10.9; the other
    // vocoder layers level)
    // (split into chunks of input channels, split_ci: each chunk's planes so read, and added)
    const double out_gather = v.phase_taps > 0 ? double(input_chunks(v, f.cin_g)) * ob / 4 * kCpuGatherSeconds : 0;
    // (the tested form reads x and writes the output once: a memory-bound layer, depthwise, is not free)
    return useful * rounded * taps * lanes_idle * (1 + loads_per_fma) / kCpuFmaPerSecond +
           (phase ? ob / kCpuBytesPerSecond + weights * kCpuGatherSeconds + out_gather + x_pass
                  : (xb + ob) / kCpuBytesPerSecond) +
           kCpuCallSeconds;
}

}  // namespace

double model_seconds(const VariantEntry &v, const ConstTensor &x, const ConstTensor &w, const Params &p) {
    Figures f{x.shape[0], x.shape[1], w.shape[1] * p.groups, w.shape[2], x.shape[2], 0, x.shape[1] / p.groups,
              w.shape[1], p};
    f.L_out = (f.L_in - 1) * p.stride - 2 * p.padding + p.dilation * (f.K - 1) + p.output_padding + 1;
    if (f.L_out < 1 || f.L_in < 1 || f.C_out < 1 || f.cin_g < 1) return 0;
    return v.device == Device::CUDA ? cuda_seconds(v, f, x, w) : cpu_seconds(v, f);
}

double model_seconds(const Plan &plan, const ConstTensor &x, const ConstTensor &w, const Params &p) {
    if (!plan.per_group || p.groups == 1) return model_seconds(*plan.v, x, w, p);
    const GroupSlice s = group_shapes(x, w, p);
    return double(p.groups) * model_seconds(*plan.v, s.x, s.w, s.p);
}

}  // namespace convt1d::detail
