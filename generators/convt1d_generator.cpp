// The algorithm of PyTorch's ConvTranspose1d forward, and nothing else.
// Every schedule directive lives in schedules/; this file only states what is computed.
//
//   out[b, co, l] = bias[co] + Σ_ci Σ_k w[ci, co_g, k] · x[b, g·Cin_g + ci, (l + padding − k·dilation) / stride]
//
// where g = co / Cout_g is the group of co, and a term is present only where the division is exact
// and the index lies in [0, L_in). Halide orders dimensions innermost first, the reverse of
// PyTorch, so a contiguous PyTorch tensor (B, C, L) is a Halide buffer (l, c, b) with dim 0 dense.
//
// Polyphase form: tap k lands on output position t = l + padding iff k·dilation ≡ t (mod stride),
// a condition on k mod stride alone. So we write k = k_lo + j·stride with k_lo ∈ [0, stride) and
// test the congruence once per k_lo; the taps j of a landing k_lo all land, and
// (t − k·dilation) / stride = (t − k_lo·dilation) / stride − j·dilation exactly.
// The work per output is the landing taps (rounded up to ceil(K / stride) per phase), never the
// (stride − 1)/stride masked taps of the zero-stuffing formulation. Where the stride and dilation are
// compiled in (only = 1) the step is stride / gcd(stride, dilation) instead (schedules/schedule.h,
// tap_step): every k_lo of a step lands, none of its taps is a rounded-up zero where the step is 1.
//
// The accumulator is indexed by position, conv(l, co, b), or by phase (schedules/schedule.h says
// which a schedule takes): conv(q, p, co, b) is output position l = q·stride + p, p ∈ [0, stride).
// Then whether k_lo lands depends on p alone, not on q, and x's index is
// q + (p + padding − k_lo·dilation) / stride − j·dilation: unit steps in q, its one division by
// (p, k_lo). So a schedule that gives a group of threads (or a vector) one phase and consecutive q
// has every lane take the same taps and read consecutive x. The same sums either way.
//
// Closed form (the general family, schedules/schedule.h closed_form): no landing test at all. With
// g = gcd(stride, dilation), step = stride / g and dx = dilation / g, phase p has landing taps iff g
// divides t = p + padding, and they are k = k_p + m·step, m = 0, 1, ..., with k_p ≡ (t / g)·dx⁻¹
// (mod step), the first; x's index is q + (t − k_p·dilation) / stride − m·dx. So each phase is a
// plain correlation with ⌈K / step⌉ taps (2 where K = 2·stride), its weights wphase(m, co, ci, p) a
// gather of w that a block of one phase can hold compactly. step and dx⁻¹ mod step are run-time
// inputs (tap_step, tap_inverse: the runtime computes them, schedules/geometry.h; requirements below
// check them), so K, stride, dilation and padding all stay run-time values.
// A variant may compile in a class of problems instead (phase_taps = T: at most T taps a phase; in place
// or on the CPU the dilation dividing the stride, so x's step between a phase's taps is 1): conv is then
// indexed by x's position under the phase's first tap, i = q + base, tap m reads x[i − m·dx] in every
// phase, and the output reads the planes at l / stride + base(p), each phase's base a Func of its own
// (phase_base). And its batch rows are folded into that index: conv(n, p, co) with n = b·pitch + i − first
// at dx = 1, x's rows laid one after another (xrows), so that a schedule's tiles of n run across the rows;
// with dx > 1 each row of x is dx rows of the copy by the residue of i − first modulo dx, in which a
// phase's taps are consecutive slots again.
// A variant may split the sum over input channels into chunks (split_ci, split-K): conv(.., u) is then
// chunk u's sum, and the output reads merged = bias + Σ_u conv(.., u), the chunks added in order.
#include "Halide.h"
#include "autoschedule.h"
#include "schedule.h"

namespace convt1d {

using namespace Halide;

// The closed form's phase p (top of the file), given step = tap_step and inverse = tap_inverse: its
// first landing tap k_p, whether any tap lands on it, and x's index under its first tap (exact where
// it lands). Shared by both generators below, so that the weights prepared by the second are the
// ones the first reads.
struct ClosedFormPhase {
    Expr k_p, lands, base;
};
ClosedFormPhase closed_form_phase(const Expr &p, const Expr &K, const Expr &stride, const Expr &padding,
                                  const Expr &dilation, const Expr &step, const Expr &inverse) {
    const Expr gcd = stride / step;
    const Expr tp = p + padding;  // >= 0
    const Expr k_p = cast<int>(cast<int64_t>(tp / gcd % step) * inverse % step);
    return {k_p, tp % gcd == 0 && k_p < K, (tp - min(k_p, K - 1) * dilation) / stride};
}
// What the run-time inputs tap_step and tap_inverse must satisfy (schedules/geometry.h computes them).
Expr tap_inputs_fit(const Expr &stride, const Expr &dilation, const Expr &step, const Expr &inverse) {
    const Expr gcd = stride / step, dx = dilation / gcd;
    return step >= 1 && stride % step == 0 && dilation % gcd == 0 &&
           cast<int64_t>(dx % step) * inverse % step == 1 % step;
}
// Phase p's m-th landing tap of channel co_g (k_p + m·step), from wz (k, co_g, ci): w, zero outside its
// bounds (past tap K − 1 and past the group's last channel).
Expr phase_tap(const Func &wz, const ClosedFormPhase &phase, const Expr &step, const Expr &m, const Expr &co_g,
               const Expr &ci) {
    return wz(phase.k_p + m * step, co_g, ci);
}
// cpu_phase's weights by blocks of A output channels: wtile(j, m, ci, cb, p) is phase_tap of channel
// cb·A + j of the group. Stored in that order, a block's weights for one input channel are its A·taps
// consecutive floats, and the next input channel's follow.
Expr weight_block(const Func &wz, const ClosedFormPhase &phase, const Expr &step, const Var &j, const Var &m,
                  const Var &ci, const Var &cb, int A) {
    return phase_tap(wz, phase, step, m, cb * A + j, ci);
}
// The layout of prepared weights (wpacked: the second generator's output, the first's input where
// packed_w = 1): (j, m, ci, cb, p), lanes j dense and A of them, every dimension from 0.
template <typename Buffer5>
void pin_weight_blocks(Buffer5 &wpacked, int A) {
    wpacked.dim(0).set_bounds(0, A).set_stride(1);
    // a tap's lanes right after the previous tap's (the runtime's dense buffer): a channel's taps at
    // constant offsets from one address register, where a run-time tap stride took one a tap (with
    // the channels in the lanes, the loop's pointers then spilled: 36 -> 54 GFLOP/s, NOTES 47)
    wpacked.dim(1).set_stride(A);
    for (int d = 1; d < 5; ++d) wpacked.dim(d).set_min(0);
}

class ConvTranspose1d : public Generator<ConvTranspose1d> {
public:
    // Element type of x, w, bias and out. float32 is built now; the accumulator type below is
    // where fp16/bf16 would widen to float32.
    GeneratorParam<Type> elem_type{"elem_type", Float(32)};
    // Which schedule family (schedules/*.cpp) and its knobs; see schedules/schedule.h.
    GeneratorParam<std::string> family{"family", "cpu"};
    GeneratorParam<int> tile_l{"tile_l", 128};
    GeneratorParam<int> reg_l{"reg_l", 1};
    GeneratorParam<int> reg_co{"reg_co", 32};
    GeneratorParam<int> ungrouped{"ungrouped", 0};  // 0 or 1
    GeneratorParam<int> stage_w{"stage_w", 0};      // 0 or 1
    GeneratorParam<int> pad_x{"pad_x", 0};          // 0 or 1
    GeneratorParam<int> unroll_ci{"unroll_ci", 1};
    GeneratorParam<int> taps{"taps", 0};  // 0 = any; see schedules/schedule.h
    GeneratorParam<int> dil{"dil", 0};    // 0 = any
    GeneratorParam<int> fixed_stride{"fixed_stride", 0};  // 0 = any; see schedules/schedule.h
    GeneratorParam<int> fixed_padding{"fixed_padding", -1};  // -1 = none; see schedules/schedule.h
    GeneratorParam<int> odd_dilation{"odd_dilation", 0};     // 1: odd dilations only (see below)
    GeneratorParam<int> only{"only", 0};  // 1: taps, dil, fixed_padding, its stride, one group only (below)
    GeneratorParam<int> stage_out{"stage_out", 0};  // 1, 2: the output block through shared memory (schedules)
    GeneratorParam<int> co_first{"co_first", 0};    // 1: channel blocks first in the grid (schedules)
    GeneratorParam<int> split_ci{"split_ci", 0};    // input channels per block (split-K; schedules); 0 = all
    GeneratorParam<int> phase_taps{"phase_taps", 0};  // closed form: at most this many taps a phase, x's tap step 1 (below); 0 = any
    GeneratorParam<int> lanes{"lanes", 0};  // cpu_phase: 1, the tile's output channels in the vector lanes (schedules)
    GeneratorParam<int> tap_classes{"tap_classes", 0};  // cuda_phase, phase_taps 3: 1 or 2, the phases by their taps in two sums (below; 2: schedules/schedule.h)
    GeneratorParam<int> grid_chunks{"grid_chunks", 0};  // cuda_phase with split_ci and phase_taps: 1, the chunks in one grid (schedules)
    // cpu_phase: 1 = its weights by blocks (wtile, below) are an input, wpacked, prepared once per layer
    // by the convt1d_pack_weights generator (convt1d::Layer), instead of gathered from w in every call
    GeneratorParam<int> packed_w{"packed_w", 0};

    Input<Buffer<void, 3>> x{"x"};        // (l, ci, b)       = PyTorch (B, C_in, L_in)
    Input<Buffer<void, 3>> w{"w"};        // (k, co_g, ci)    = PyTorch (C_in, C_out/groups, K)
    Input<Buffer<void, 1>> bias{"bias"};  // (co); the runtime passes zeros for "no bias"
    Input<int> stride{"stride"};
    Input<int> padding{"padding"};
    Input<int> dilation{"dilation"};
    Input<int> groups{"groups"};
    Input<int> tap_step_in{"tap_step"};        // stride / gcd(stride, dilation) (closed form only)
    Input<int> tap_inverse_in{"tap_inverse"};  // (dilation / gcd)⁻¹ mod tap_step (closed form only)
    // The threads a CPU call's parallel loops run on (the runtime's pool): no math reads it; a CPU
    // schedule may size its tasks by it (cpu_phase). GPU schedules ignore it.
    Input<int> threads{"threads"};
    // The L2 cache of a core of the machine a CPU call runs on, in bytes (the runtime's query; 0 where
    // unknown): no math reads it; a CPU schedule may size its chunks of positions by it (cpu_phase). GPU
    // schedules ignore it.
    Input<int> cache_bytes{"cache_bytes"};
    Output<Buffer<void, 3>> out{"out"};   // (l, co, b)       = PyTorch (B, C_out, L_out)

    // (packed_w = 1: w is still passed, for its shape — K, C_out / groups — and is not read)
    Input<Buffer<>> *wpacked = nullptr;  // (j, m, ci, cb, p): wtile, prepared

    void configure() {
        x.set_type(elem_type);
        w.set_type(elem_type);
        bias.set_type(elem_type);
        out.set_type(elem_type);
        if (packed_w) {
            if (family.value() != "cpu_phase" || split_ci > 0 || phase_taps > 0) {
                throw CompileError("packed_w needs family cpu_phase without split_ci or phase_taps");
            }
            wpacked = add_input<Buffer<>>("wpacked", elem_type, 5);
        }
    }

    void generate() {
        Var l("l"), q("q"), p("p"), co("co"), b("b");
        const Type acc_t = Float(32);
        // A variant may compile its stride in (fixed_stride > 0): the math then divides by that
        // constant, and any other value of the input is refused.
        // Or the whole tap geometry (only = 1): the filter length `taps`, dilation `dil`, padding
        // `fixed_padding`, the stride (fixed_stride, or 1) and one group become constants of the math,
        // so that a thread's window of x has a size known at compile time; other problems are refused.
        const bool exact = only != 0;
        if (exact && (taps < 1 || dil < 1 || fixed_padding < 0)) {
            throw CompileError("only = 1 needs taps, dil and fixed_padding");
        }
        const int stride_in = fixed_stride > 0 ? int(fixed_stride) : 1;  // compiled in, where it is
        const Expr stride = exact || fixed_stride > 0 ? Expr(stride_in) : Expr(this->stride);
        const Expr dilation = exact ? Expr(int(dil)) : Expr(this->dilation);
        const Expr padding = exact ? Expr(int(fixed_padding)) : Expr(this->padding);
        const Expr groups = exact ? Expr(1) : Expr(this->groups);
        if (fixed_stride > 0 || exact) {
            add_requirement(this->stride == stride_in, "this variant computes stride", stride_in, "only, got",
                            this->stride);
        }
        if (exact) {
            add_requirement(w.dim(0).extent() == int(taps), "this variant computes K =", int(taps), "only, got",
                            w.dim(0).extent());
            add_requirement(this->dilation == int(dil), "this variant computes dilation", int(dil), "only, got",
                            this->dilation);
            add_requirement(this->padding == int(fixed_padding), "this variant computes padding",
                            int(fixed_padding), "only, got", this->padding);
            add_requirement(this->groups == 1, "this variant computes groups == 1 only, got", this->groups);
        }

        Expr L_in = x.dim(0).extent();
        Expr K = exact ? Expr(int(taps)) : w.dim(0).extent();
        Expr cout_g = w.dim(1).extent();
        Expr cin_g = x.dim(1).extent() / groups;
        // k = k_lo + j·step; x's index moves by step·dilation / stride per tap j (exact)
        const int step = exact ? tap_step(stride_in, dil) : 0;
        const Expr tap_step = exact ? Expr(step) : stride;
        const Expr x_step = exact ? Expr(tap_x_step(stride_in, dil)) : dilation;
        Expr taps_per_phase = (K - 1) / tap_step + 1;  // ceil(K / step), without overflow for any stride

        // Zero outside the data: x beyond [0, L_in), w beyond tap K - 1 (the rounded-up last j).
        // The channel bounds make any tile a schedule rounds up past C_in / C_out read zeros
        // instead of memory it does not own.
        Expr zero = make_zero(elem_type);
        // A variant compiled for one geometry may read x where it lies (only = 1, pad_x = 0), and so may
        // a cuda_phase one with the taps a phase compiled in (phase_taps > 0, pad_x = 0: its windows of x,
        // below; cpu_phase's reads of x need no pass either way):
        // then it computes only outputs whose reads lie inside x (Halide's bounds check refuses the
        // rest), and the runtime computes the ends of each row with another variant.
        const bool in_place = (exact || (phase_taps > 0 && family.value() == "cuda_phase")) && pad_x == 0;
        Func xz = in_place ? Func(x)
                           : BoundaryConditions::constant_exterior(x, zero, {{0, L_in}, {0, x.dim(1).extent()}, {}});
        Func wz = BoundaryConditions::constant_exterior(w, zero, {{0, K}, {0, cout_g}, {0, w.dim(2).extent()}});
        Func biasz = BoundaryConditions::constant_exterior(bias, zero, {{0, bias.dim(0).extent()}});

        // k_lo < min(step, K): a larger k_lo has no tap (k = k_lo + j·step < K), so a huge stride
        // costs nothing. An odd dilation with a compiled-in power-of-two stride leaves each phase one
        // landing k_lo (below): r.z has one value.
        const bool one_k_lo = odd_dilation != 0;
        const int S = fixed_stride;
        if (one_k_lo && (S < 2 || (S & (S - 1)) != 0)) {
            throw CompileError("odd_dilation needs a compiled-in stride that is a power of two");
        }
        RDom r(0, taps_per_phase, 0, cin_g, 0, one_k_lo ? Expr(1) : min(tap_step, K), "r");  // j, ci in group, k_lo
        Var ci_v("ci");

        // With one group, co % cout_g = co and the channel is r.y: written so that a schedule's
        // specialisation on groups == 1 sees the plain indices.
        Expr g = select(groups == 1, 0, co / cout_g);
        Expr co_g = select(groups == 1, co, co % cout_g);
        // cpu_phase's group where its block of A output channels (schedules/schedule.h,
        // cpu_phase_channels: 8 with AVX-512, 4 below) divides C_out / groups: (co / A) / (cout_g / A),
        // the same group, written so that the schedule's block, from a multiple of A, sees one group
        // for all of its channels (Halide simplifies (A·c + j) / A to c for a constant j < A), and so
        // one row of x for all of them (specialised on Stages::groups_in_blocks); co_g as co − g·cout_g,
        // the block's channels then consecutive within the group. (The block's first channel a
        // multiple of A: the output's channels counted from 0, as the runtime passes them.) The GPU's
        // closed-form variants compute one group a call (ungrouped) and keep the plain form.
        // And its weights by block: wtile(j, m, ci, cb, p) is channel cb·A + j of the group (below), so
        // that a block's weights can lie together, one input channel's taps after the previous one's;
        // a block's lane j = co % A and block (co / A) % (cout_g / A) where A divides cout_g (the same
        // channel; Halide simplifies them for the schedule's block), co_g's elsewhere.
        Expr groups_in_blocks = cast<bool>(false);
        const bool by_block = family.value() == "cpu_phase";
        const int A = by_block ? cpu_phase_channels(get_target(), reg_co) : 0;
        Expr lane, block;
        if (by_block) {
            groups_in_blocks = cout_g % A == 0;
            // (A schedule's tile rounded up past C_out takes the last group's channels, clamped, so that
            // every index stays inside the weights, prepared ones included; those sums are not stored)
            g = select(groups == 1, 0, groups_in_blocks, co / A / (cout_g / A), min(co / cout_g, groups - 1));
            co_g = select(groups == 1, co, clamp(co - g * cout_g, 0, cout_g - 1));
            lane = select(groups == 1 || groups_in_blocks, co % A, co_g % A);
            // (the block's range promised: Halide's bounds of the select span the blocks of every group)
            block = unsafe_promise_clamped(select(groups == 1, co / A, groups_in_blocks, co / A % (cout_g / A), co_g / A),
                                           0, (cout_g + A - 1) / A - 1);
            out.dim(1).set_min(0);
        }
        Expr ci = g * cin_g + r.y;

        Func conv("conv");
        Func merged("merged");  // closed form: what the output casts, in position order (below)
        Var u("u");             // conv's chunk, where split
        RDom chunks;            // merged's sum over the chunks
        if (split_ci > 0 && !closed_form(family)) {
            throw CompileError("split_ci needs the closed form (cuda_phase, cpu_phase)");
        }
        if (tap_classes && (family.value() != "cuda_phase" || phase_taps != 3 || !pad_x || tap_classes > 2)) {
            throw CompileError("tap_classes (1 or 2) needs family cuda_phase, phase_taps 3 and pad_x");
        }
        std::vector<SumClass> classes;  // tap_classes: each class's sums, its phases' weights, its RDom
        Func wphase("wphase");
        Func wtile("wtile");  // cpu_phase: wphase by blocks of its channels (below)
        Func phase_base("phase_base");
        Func phase_first("phase_first");  // tap_classes: each phase's first tap (below)
        Func cols("cols"), cols_w("cols_w");  // cpu_cols, cuda_cols: the columns and their weights (below)
        Func cols_phase("cols_phase");        // cuda_cols: each phase's first tap and offset into x (below)
        RDom cols_r;
        Expr two_taps = cast<bool>(false);  // closed form: every phase has exactly two taps (below)
        Expr three_taps = cast<bool>(false);  // ... exactly three (below)
        Expr all_slots = cast<bool>(false);  // closed form: every phase has a tap in each of the sum's slots (below)
        if (closed_form(family)) {
            // The closed form (top of the file): phase p's taps k_p + m·step, none tested.
            if (exact || fixed_stride > 0 || one_k_lo) {
                throw CompileError("the closed form takes every geometry at run time (no only, stride or odd)");
            }
            const Expr step = tap_step_in, gcd = this->stride / step;
            Expr dx = this->dilation / gcd;
            add_requirement(tap_inputs_fit(this->stride, this->dilation, step, tap_inverse_in),
                            "tap_step", step, "and tap_inverse", tap_inverse_in, "do not fit stride",
                            this->stride, "and dilation", this->dilation);
            ClosedFormPhase phase = closed_form_phase(p, K, stride, padding, dilation, step, tap_inverse_in);
            if (family.value() == "cuda_cols") {
                // (cuda_cols: each phase's first tap, -1 where none lands, and its offset into x as a table,
                // cols_phase(p), which a schedule can compute once: its output's kernel, a thread an output,
                // spent ~390 instructions an output on these divisions by run-time values, 115 us of a 0.58 ms call
                // on a layer of 8 M outputs, ncu, H100, NOTES 57)
                cols_phase(p) = {select(phase.lands, phase.k_p, -1), phase.base};
                const Expr first = cols_phase(p)[0];
                phase = {max(first, 0), first >= 0, cols_phase(p)[1]};
            }
            const Expr lands = phase.lands, base = phase.base;
            // ceil(K / step), any phase's most taps; 2 where K = 2·step (the vocoders' K = 2·stride),
            // and dx 1 at dilation 1: written so that a schedule's specialisation on those (Stages::
            // two_taps) sees the constants, which lets a thread's two taps share their x loads.
            two_taps = K == 2 * step;
            // and K = 3·step (K 3 at stride 1: kb64, grouped) the same way for cpu_phase (by blocks), whose
            // lanes form has a specialisation of its own (schedules/cpu_phase.cpp); false elsewhere, so that
            // the CUDA families' code is as before
            three_taps = by_block ? K == 3 * step : cast<bool>(false);
            // A variant may compile the taps a phase has in (phase_taps = T: any K <= T·step, the phases
            // with fewer taps reading zero weights past K − 1) with x's tap step dx = 1 (dilation
            // dividing the stride: every vocoder layer, K = 2·stride at dilation 1, fits T = 2). Then
            // conv is indexed by x's position under the phase's first tap, i = q + base, instead of by
            // q: tap m reads x[i − m], the same window for every phase, and a schedule can read a
            // thread's window of x as aligned vectors (the phase's offset `base` is a run-time value,
            // and moves to the output's read of the planes instead).
            const bool windowed = phase_taps > 0;
            // cpu_cols and cuda_cols sum each phase's taps from columns (below), the reduction over input
            // channels done once for all K taps; plain only
            const bool by_cols = family.value() == "cpu_cols" || family.value() == "cuda_cols";
            // (cuda_cols' split_ci is its schedule's: the columns' sum over input channels in chunks, the
            // same math; the phase sums read whole columns)
            if (by_cols && (windowed || (split_ci > 0 && family.value() == "cpu_cols"))) {
                throw CompileError("the columns' families take no phase_taps (cpu_cols no split_ci)");
            }
            // A CUDA window point with x's copy (pad_x, not in place) takes any dilation: its copy lays x's rows
            // out by the residue of their positions modulo dx (below), so that a phase's taps step by one slot
            // there whatever x's step between them. In place, and on the CPU, dx stays 1 (the dilation dividing
            // the stride), their code as before.
            const bool any_dilation = windowed && family.value() == "cuda_phase" && !in_place;
            if (windowed) {
                add_requirement((any_dilation || dx == 1) && (K - 1) / step + 1 <= int(phase_taps),
                                "this variant computes at most", int(phase_taps),
                                any_dilation ? "taps a phase, got K" : "taps a phase with the dilation dividing the stride, got K",
                                K, "stride", this->stride, "dilation", this->dilation);
            }
            Expr taps_max = windowed ? Expr(int(phase_taps)) : select(two_taps, 2, three_taps, 3, (K - 1) / step + 1);
            // A phase sums its own taps, k_p + m·step < K, not the rounded-up slots (taps_max: T of a
            // window, else ⌈K / step⌉): where K is not a multiple of the step (K = 2·stride + 1: one phase of
            // the stride has three taps, the others two) the phases with fewer skip the slots past K − 1
            // instead of multiplying zero weights there (K 11 at stride 5: 11 taps a stride's phases, not
            // 15), and a slot's 0 · x is not summed (0 · inf is NaN; PyTorch's sum has no such term). Slot 0
            // is a tap wherever the phase lands (k_p < K). all_slots says every slot is a tap (K = T·step for
            // a window, K a multiple of the step otherwise): a schedule's specialisation on it sees the test
            // true and keeps its loops free of it (NOTES 49 (e): in cpu_phase's general nest the test, an `if`
            // around each tap's pass over a chunk of channels, cost grouped_cpu 0.80 -> 1.10-1.22 ms, K 3 at
            // stride 1, where no slot is ever skipped). Stated for cpu_phase (by block, with or without a
            // window); the CUDA families keep their slots (the same test in cuda_phase's windows, an `if` a
            // slot in each unrolled channel, measured 23-35 % slower on an H100: NOTES 50 (d)).
            all_slots = windowed ? K == int(phase_taps) * step : K % step == 0;
            // The sum over input channels, whole or in chunks of split_ci (a schedule's split-K): then
            // conv(.., u) is chunk u's sum over input channels [u·split_ci, (u + 1)·split_ci) of the group,
            // and merged(l, co, b) the bias plus the chunks' sums at l, added in order u = 0, 1, ... (the
            // same sums; floating point adds them chunk by chunk).
            const int chunk = by_cols ? 0 : int(split_ci);
            // (the columns' families: m alone, the input channels summed in the columns)
            RDom rc(0, taps_max, 0, by_cols ? Expr(1) : chunk > 0 ? Expr(chunk) : cin_g, 0, 1, "r");  // m, ci (in group or chunk), (one k_p)
            const Expr ci_in_group = chunk > 0 ? u * chunk + rc.y : Expr(rc.y);
            // (two_taps and three_taps, the nests' specialisations, have every slot a tap without a window)
            const Expr own_slot = rc.x == 0 || phase.k_p + rc.x * step < K;
            // (the columns' families: a slot past K − 1 would read the next channel's column, so it is not summed)
            const Expr own_tap = by_cols ? all_slots || own_slot
                                 : !by_block ? cast<bool>(true)
                                 : windowed ? all_slots || own_slot
                                            : two_taps || three_taps || all_slots || own_slot;
            if (chunk > 0) {
                // The last chunk stops at the group's last channel. With one group its channels are tested
                // in whole groups of unroll_ci (those past C_in read zeros from x and w, so the sums are the
                // same): a schedule's unrolled channels then share one test, which Halide's loop trimming
                // turns into the channel loop's bound. Tested channel by channel in the chained form of
                // NOTES 34 (b), each unrolled channel's x loads and multiply-adds sat behind a branch of their
                // own (a chunk kernel 0.84 -> 1.28 ms on encodec_up1, H200 run 51); in this form the channel
                // loop's PTX is branch-free either way (checked), and the groups, as measured, stay.
                const int group_of = std::max(int(unroll_ci), 1);
                const Expr tested = select(groups == 1, u * chunk + rc.y / group_of * group_of, ci_in_group);
                rc.where(lands && own_tap && tested < cin_g);
                chunks = RDom(0, (cin_g + chunk - 1) / chunk, "ru");
            } else {
                rc.where(lands && own_tap);
            }
            r = rc;
            Var m("m");
            wphase(m, co, ci_v, p) = phase_tap(wz, phase, step, m, co, ci_v);
            Var j("j"), cb("cb");
            // By blocks (cpu_phase): wtile, or the same prepared once per layer (packed_w), its taps' and
            // input channels' ranges promised (a no-op: the taps the sum runs over, at most ceil(K / step)
            // or phase_taps, and, unsplit, the channels of x; split, the last chunk's unrolled groups
            // read a few past them, zeros), so that Halide asks of the prepared weights only what they
            // hold.
            const Expr taps_run = windowed ? Expr(int(phase_taps)) : (K - 1) / step + 1;
            auto weight = [&](const Expr &tap, const Expr &channel) -> Expr {
                if (!by_block) return wphase(tap, co_g, channel, p);
                const Expr t = unsafe_promise_clamped(tap, 0, taps_run - 1);
                const Expr c = chunk > 0 ? channel : unsafe_promise_clamped(channel, 0, x.dim(1).extent() - 1);
                return packed_w ? (*wpacked)(lane, t, c, block, p) : wtile(lane, t, c, block, p);
            };
            if (by_block && !packed_w) {
                wtile(j, m, ci_v, cb, p) = weight_block(wz, phase, step, j, m, ci_v, cb, A);
            }
            if (packed_w) pin_weight_blocks(*wpacked, A);
            Expr ci_c = g * cin_g + ci_in_group;
            // conv(args) = bias + Σ term over rc, and merged(l, co, b) = conv(at) the value at output l; or
            // split, conv(args.., u) = Σ term over chunk u, and merged = bias + Σ_u conv(at.., u). The output
            // is merged cast (an intermediate of position order a schedule can stage before the stores).
            auto accumulate = [&](std::vector<Var> args, const Expr &term, std::vector<Expr> at) {
                if (chunk > 0) {
                    args.push_back(u);
                    at.push_back(chunks.x);
                    conv(args) = cast(acc_t, 0);
                    conv(args) += term;
                    merged(l, co, b) = cast(acc_t, biasz(co));
                    merged(l, co, b) += conv(at);
                    out(l, co, b) = cast(elem_type, merged(l, co, b));
                } else {
                    conv(args) = cast(acc_t, biasz(co));
                    conv(args) += term;
                    merged(l, co, b) = conv(at);
                    out(l, co, b) = cast(elem_type, merged(l, co, b));
                }
            };
            // The phase as l % stride, clamped to what it is: Halide's bounds of a modulus by a
            // run-time value span [0, stride), which the clamp narrows to the phases the output has
            // (a stride of 2^31 - 1 over 9 outputs: 9 phase planes, not 2^31).
            // In place, the output is a row's middle from position out.dim(0).min(): its phases are those
            // of [min, min + extent), at most extent + min % stride of them counted from 0.
            const Expr phases = in_place ? min(stride, out.dim(0).extent() + out.dim(0).min() % max(stride, 1))
                                         : min(stride, out.dim(0).extent());
            if (windowed) {
                // Each phase's offset into x, for the output's read of the planes, as a Func a schedule
                // can tabulate; the clamp below states its range for Halide's bounds (a no-op: with the
                // dilation dividing the stride, t − k_p·dilation lies in [padding − stride + 1,
                // padding + stride − 1]).
                const Expr pbase = padding / stride;
                phase_base(p) = base;
                // x's step between a phase's taps, dx = dilation / gcd(stride, dilation): 1 where the dilation
                // divides the stride (every point in place or on the CPU: the constant), else a run-time value,
                // stated 1 at dilation 1 so that a schedule's specialisation there (schedules/cuda_phase.cpp)
                // keeps the code of dx = 1. A phase's offset phase_base(p) = ⌊(p + padding − k_p·dilation) /
                // stride⌋ lies in [pbase − dx, pbase + 1]: k_p < step, and (step − 1)·dilation / stride < dx.
                const Expr xdx = any_dilation ? select(this->dilation == 1, 1, max(dx, 1)) : Expr(1);
                // (the stride's max, as the pitch's below: with the stride's sign unknown the tiles' first
                // slot was a select; the phase by the same divisor, one division for both)
                const Expr s_pos = max(stride, 1);
                // At strides of 3 and more the same phase and plane position from l's aligned group of 4, l4
                // = l / 4 · 4: with q4 = l4 / s_pos, l − q4 · s_pos < s_pos + 3 < 2 · s_pos, so it wraps past
                // the stride at most once; a schedule that gives a thread a group (and specialises on
                // stride >= 3) divides once, not 4 times. Below 3, l / s_pos and l % s_pos.
                const Expr q4 = l / 4 * 4 / s_pos, r4 = l - q4 * s_pos, wrap = r4 >= s_pos;
                const Expr pl = clamp(select(stride >= 3, select(wrap, r4 - s_pos, r4), l % s_pos), 0, phases - 1);
                const Expr ql = select(stride >= 3, q4 + select(wrap, 1, 0), l / s_pos) +
                                clamp(phase_base(pl), pbase - xdx, pbase + 1);
                // The batch rows and channels counted from 0 (as the runtime passes them), so that a block's
                // first channel is a multiple of its channels (a run-time first channel left its weights'
                // 16-byte shared loads unproven aligned: 4 scalar loads each) and, folded, row 0's first
                // slot a constant for the schedule's tiles (a run-time first row left the thread's
                // accumulators indexed by a run-time term, in local memory: ptxas, 256-byte stack).
                x.dim(2).set_min(0);
                out.dim(2).set_min(0);
                out.dim(1).set_min(0);
                if (in_place) {
                    // x read where it lies (pad_x = 0): conv(i, p, co, b) is indexed by x's own position i
                    // under the phase's first tap, tap m reading x[b, i − m], so that a schedule's windows
                    // of a thread's positions (i from a multiple of 4) are x's own aligned 16-byte vectors
                    // (its rows pinned to 16-byte boundaries below). No pass over x; the runtime passes
                    // each row's middle, whose windows lie inside x, and computes the ends with another
                    // variant (runtime/src/convt1d.cpp interior()).
                    // A block's tile is whole threads of 4 positions, and a thread past the positions the
                    // output needs still loads its windows (only its stores are guarded), so its group of 4
                    // is clamped to the whole vectors inside x: a no-op for every position the runtime asks
                    // for, and x's required region no longer the planes' tiles rounded up past x's end.
                    const Expr group = clamp(q / 4 * 4, 4, max(x.dim(0).extent() / 4 * 4 - 4, 4));
                    accumulate({q, p, co, b},
                               cast(acc_t, weight(rc.x, ci_c)) * cast(acc_t, xz(group + q % 4 - rc.x, ci_c, b)),
                               {ql, pl, co, b});
                } else {
                    // The batch rows folded into the planes' positions: x's rows of one input channel lie one
                    // after another, row b's slot s holding x[b, first + s] (first: the window's first tap
                    // under the lowest position a plane stands for), at a pitch of whole 16-byte vectors,
                    // and conv is indexed by n = b·pitch + s: a tile of positions runs over the rows'
                    // boundaries, so the planes of every row fill whole tiles together instead of each row
                    // rounding up to its own (dac_up1: 4 rows × 865 positions a phase in 7 tiles of 512,
                    // not 8). A window of x at n reads slots n − m ≥ b·pitch: its own row, whose halo
                    // slots hold the x before `first` + taps − 1.
                    // With dx > 1 (any_dilation) each row of x is dx rows of the copy, row b·dx + ρ's slot s
                    // holding x[b, first + ρ + s·dx]: position i = first + ρ + s·dx and its taps' i − m·dx
                    // lie in one row of the copy, slots s and s − m, so that the windows are as at dx = 1
                    // (the sums' kernel does not see dx) and only the copy and the output's reads of the
                    // planes divide by it (dilated_d4: K 3 at stride 1, dilation 4; NOTES 66).
                    // Rows span the positions l / stride + phase_base(p), phase_base(p) in [pbase − dx, pbase + 1],
                    // and (taps − 1)·dx positions of halo before them (schedules/geometry.h, folded_pitch).
                    const Expr first = pbase - int(phase_taps) * xdx;
                    // (the max states what holds, pitch > 0, for Halide's bounds of b·pitch: with its sign
                    // unknown the tiles' first slot was a select, and the thread's accumulators were indexed
                    // by a run-time term, in local memory: ptxas)
                    const Expr pitch = max(folded_pitch((out.dim(0).extent() - 1) / stride, int(phase_taps), xdx), 4);
                    const Expr rows = x.dim(2).extent() * xdx;
                    Var n("n");
                    Func xrows("xrows");
                    // (row and slot by one unsigned division: Halide's signed floor division and modulus by
                    // a run-time value are two divisions with their sign corrections a value; one unsigned
                    // division took 1-2 % off a long-row layer's call, dac_up4 2.39 -> 2.36 ms, H200 run 47.
                    // The slots before row 0, n < 0, are row 0's halo, read as x[0, first + n·dx]. The row of n is
                    // its aligned group's, n / 4 · 4: the pitch is a multiple of 4, so a group's 4 slots lie in one
                    // row, and a schedule that gives a thread a group divides once, not 4 times)
                    Expr row = clamp(cast<int>(cast<uint32_t>(max(n / 4 * 4, 0)) / cast<uint32_t>(pitch)), 0, rows - 1);
                    const Expr batch_row = row / xdx, residue = row - batch_row * xdx;
                    xrows(n, ci_v) = xz(first + residue + (n - row * pitch) * xdx, ci_v, batch_row);
                    xz = xrows;
                    // The planes' slot of x's position i under a phase's first tap in batch row b: row b·dx + ρ's
                    // slot s, i − first = ρ + s·dx (at dx = 1, b·pitch + i − first); promised inside the rows
                    // for Halide's bounds of the planes where dx is a run-time value (its division bounded
                    // by the divisor's least value, 1: the planes' region would run a row's length past them).
                    auto plane_slot = [&](const Expr &row_b, const Expr &i) -> Expr {
                        const Expr v = i - first;  // >= (taps − 1)·dx
                        const Expr at = (row_b * xdx + v % xdx) * pitch + v / xdx;
                        return any_dilation ? unsafe_promise_clamped(at, 0, rows * pitch - 1) : at;
                    };
                    // Split, the channels a chunk reads are promised inside x's, rounded up to whole groups of
                    // unroll_ci (a no-op: the test above keeps every channel read below that), so that Halide's
                    // bounds of x's copy stop at them: without it they are whole chunks of channels, kb64's 128
                    // input channels copied as 512 (64 rows of 65,542 slots: 2.15 G elements, past the 32-bit
                    // index; an illegal address on an H100, NOTES 52 (h)).
                    const int group_of = std::max(int(unroll_ci), 1);
                    auto read_c = [&](const Expr &c) {
                        return chunk > 0 ? unsafe_promise_clamped(c, 0, (x.dim(1).extent() + group_of - 1) / group_of * group_of - 1) : c;
                    };
                    if (!tap_classes) {
                        accumulate({q, p, co}, cast(acc_t, weight(rc.x, ci_c)) * cast(acc_t, xrows(q - rc.x, read_c(ci_c))),
                                   {plane_slot(b, ql), pl, co});
                    } else {
                        // The phases in two classes by their taps (tap_classes): the phases whose first tap
                        // k_p < K − 2·step have three (k_p, k_p + step, k_p + 2·step), the others two or fewer,
                        // and each class is a sum of its own, over three slots and over two. Indexed by the
                        // phase's first tap, not by the phase: class three's phase c has k_p = c, class two's
                        // k_p = three + c; a window reads x[i − m] whatever the phase (x's tap step 1), so
                        // only the weights tell the phases apart. Where K = 2·stride + 1 a stride's phases
                        // then sum 11 slots for K 11, not 15 (NOTES 51). Each class computes one phase at
                        // least: an empty one (K <= 2·step, or K = 3·step) one phase's sums no output reads.
                        const Expr three = clamp(K - 2 * step, 0, step);
                        const Expr n3 = max(three, 1), n2 = max(step - three, 1);
                        Func conv3("conv3"), conv2("conv2"), w3("wphase3"), w2("wphase2");
                        w3(m, co, ci_v, p) = wz(p + m * step, co, ci_v);
                        w2(m, co, ci_v, p) = wz(three + p + m * step, co, ci_v);
                        // a class's sum: the bias and its slots over the group's input channels; or split, its
                        // slots over chunk u's channels (tested in whole groups of unroll_ci, as rc above)
                        auto class_sum = [&](Func sums, const Func &weights, int slots, const char *name) {
                            RDom rr(0, slots, 0, chunk > 0 ? Expr(chunk) : cin_g, 0, 1, name);
                            const Expr ci = chunk > 0 ? u * chunk + rr.y : Expr(rr.y), c = g * cin_g + ci;
                            std::vector<Var> args{q, p, co};
                            if (chunk > 0) {
                                rr.where(select(groups == 1, u * chunk + rr.y / group_of * group_of, ci) < cin_g);
                                args.push_back(u);
                            }
                            sums(args) = chunk > 0 ? cast(acc_t, 0) : cast(acc_t, biasz(co));
                            sums(args) += cast(acc_t, weights(rr.x, co_g, c, p)) * cast(acc_t, xrows(q - rr.x, read_c(c)));
                            return rr;
                        };
                        const RDom r3 = class_sum(conv3, w3, 3, "r3"), r2 = class_sum(conv2, w2, 2, "r2");
                        // each phase's first tap, -1 where none lands: a table a schedule can compute once (as
                        // phase_base), where the output's kernel computing it for every position (its divisions by
                        // run-time values) took 196-230 us against 56-66 for the one class's (ncu, H100 run 126)
                        phase_first(p) = select(phase.lands, phase.k_p, -1);
                        const Expr kl = clamp(phase_first(pl), -1, step - 1);
                        const Expr at = plane_slot(b, ql);
                        std::vector<Expr> at3{at, clamp(kl, 0, n3 - 1), co}, at2{at, clamp(kl - three, 0, n2 - 1), co};
                        if (chunk > 0) {
                            // the bias, then each chunk's sums added in turn (as accumulate's merged above)
                            at3.push_back(chunks.x);
                            at2.push_back(chunks.x);
                            merged(l, co, b) = cast(acc_t, biasz(co));
                            merged(l, co, b) += select(kl < 0, cast(acc_t, 0), kl < three, conv3(at3), conv2(at2));
                        } else {
                            merged(l, co, b) = select(kl < 0, cast(acc_t, biasz(co)), kl < three, conv3(at3), conv2(at2));
                        }
                        out(l, co, b) = cast(elem_type, merged(l, co, b));
                        classes = {{conv3, w3, r3}, {conv2, w2, r2}};
                        conv = conv3;
                        wphase = w3;
                        r = r3;
                    }
                }
            } else {
                const Expr tap_dx = select(this->dilation == 1, 1, dx);  // x's step between a phase's taps, 1 stated where it is (Stages::two_taps)
                // output position l's plane position and phase (cuda_cols computes each output's sum alone: its
                // phase as l − q·stride, the same value, which Halide's bounds keep one point for one l, where a
                // modulus by a run-time value spans [0, stride) and a thread's one sum would need stride of them)
                const Expr ql = l / stride;
                const Expr pl = clamp(family.value() == "cuda_cols" ? l - ql * stride : l % stride, 0, phases - 1);
                if (by_cols) {
                    // The columns (cpu_cols, cuda_cols): cols(kc, g, i, b) = Σ_ci w[ci, co_g, k] · x[b, ci, i] over group g's
                    // input channels, kc = co_g·K + k (w's own order), for every tap k at once; phase p's output
                    // then adds its landing taps' columns, k = k_p + m·step at x's position i = q + base − m·dx.
                    // Each x element is read once for C_out / groups · K products, where the phase sums read it
                    // once a phase and tap (a layer of one output channel: 16 taps at stride 8). The columns at
                    // positions outside x are not summed (the select); they read x clamped (a no-op inside it),
                    // so that no pass zero-extends x first.
                    Var kc("kc"), gv("g"), iv("i");
                    const RDom rcol(0, cin_g, "rcol");
                    cols_r = rcol;
                    cols_w(kc, ci_v) = wz(kc % K, kc / K, ci_v);  // zero past the group's last channel
                    cols(kc, gv, iv, b) = cast(acc_t, 0);
                    // (x as the columns read it, clamped: Stages::xz, which a schedule may copy a task's rows of;
                    // the channel too, a no-op for every term summed, so that cuda_cols may load a whole group of
                    // unrolled channels before the guard of the last)
                    xz = Func("x_clamped");
                    xz(iv, ci_v, b) = x(clamp(iv, 0, L_in - 1), clamp(ci_v, 0, x.dim(1).extent() - 1), b);
                    cols(kc, gv, iv, b) += cast(acc_t, cols_w(kc, gv * cin_g + rcol)) * cast(acc_t, xz(iv, gv * cin_g + rcol, b));
                    const Expr i = q + base - rc.x * tap_dx;
                    // (the tap clamped to [0, K): a no-op for every tap summed, so that Halide's bounds of a block's
                    // columns are its channels' K, not a span it cannot bound through k_p's modulus)
                    const Expr k = clamp(phase.k_p + rc.x * step, 0, K - 1);
                    const Expr column = cols(co_g * K + k, g, clamp(i, 0, L_in - 1), b);
                    accumulate({q, p, co, b}, select(i >= 0 && i < L_in, column, cast(acc_t, 0)), {ql, pl, co, b});
                } else {
                    accumulate({q, p, co, b}, cast(acc_t, weight(rc.x, ci_c)) * cast(acc_t, xz(q + base - rc.x * tap_dx, ci_c, b)),
                               {ql, pl, co, b});
                }
            }
        } else if (indexes_by_phase(family, fixed_stride)) {
            // conv(q, p, ...) is output position l = q·stride + p: t = q·stride + tp, and the
            // congruence and the division see tp only.
            Expr tp = p + padding;
            Expr k_lo = r.z;
            if (one_k_lo) {
                // An odd dilation is invertible modulo the power-of-two stride S, so phase p's one
                // landing k_lo solves k_lo·dilation ≡ tp (mod S): k_lo = tp·dilation⁻¹ mod S, the
                // inverse a select over the odd residues. No k_lo is tested (a stride-4 kernel
                // tested 16 per tap to run 4).
                add_requirement(this->dilation % 2 == 1, "this variant computes odd dilations only, got dilation",
                                this->dilation);
                Expr inverse = 1;
                for (int d = 3; d < S; d += 2) {
                    int e = 1;
                    while ((d * e) % S != 1) e += 2;
                    inverse = select(dilation % S == d, e, inverse);
                }
                k_lo = (tp % S) * inverse % S;
            } else {
                r.where((r.z * dilation - tp) % stride == 0);
            }
            Expr i = q + (tp - k_lo * dilation) / stride - r.x * x_step;
            conv(q, p, co, b) = cast(acc_t, biasz(co));
            conv(q, p, co, b) += cast(acc_t, wz(k_lo + r.x * tap_step, co_g, ci)) * cast(acc_t, xz(i, ci, b));
            // The phase: l % stride for a compiled-in stride (Halide bounds it by [0, stride) over a
            // tile), else as l − q·stride, the same value, which Halide's bounds keep a single point
            // for one l where a modulus by a runtime value spans [0, stride).
            Expr ql = l / stride;
            Expr pl = fixed_stride > 0 ? l % stride : l - ql * stride;
            out(l, co, b) = cast(elem_type, conv(ql, pl, co, b));
        } else {
            Expr t = l + padding;
            r.where((r.z * dilation - t) % stride == 0);
            Expr i = (t - r.z * dilation) / stride - r.x * x_step;
            conv(l, co, b) = cast(acc_t, biasz(co));
            conv(l, co, b) += cast(acc_t, wz(r.z + r.x * tap_step, co_g, ci)) * cast(acc_t, xz(i, ci, b));
            out(l, co, b) = cast(elem_type, conv(l, co, b));
        }

        // Layouts: the innermost dimension of every tensor is dense, as in a contiguous PyTorch tensor.
        x.dim(0).set_stride(1);
        w.dim(0).set_stride(1);
        out.dim(0).set_stride(1);
        bias.dim(0).set_stride(1);
        if (in_place) {
            // x read in place: its rows start on 16-byte boundaries (rows and batches a multiple of 4
            // floats apart, the buffer 16-byte aligned), so that 16-byte vectors of a row are aligned
            // wherever their first position is a multiple of 4. And the output is any block of whole
            // 4-position groups of each phase (its first position a multiple of 4·stride): the
            // runtime passes each row's middle. Other layouts are refused by the runtime first.
            const int group = 4 * stride_in;
            x.dim(0).set_min(0);
            x.dim(1).set_stride(x.dim(1).stride() / 4 * 4);
            x.dim(2).set_stride(x.dim(2).stride() / 4 * 4);
            x.set_host_alignment(16);
            out.dim(0).set_min(out.dim(0).min() / group * group);
        } else {
            out.dim(0).set_min(0);  // so that l = q·stride + p is exact in the schedules' index arithmetic
        }

        if (using_autoscheduler()) {
            set_autoscheduler_estimates(*this);  // schedules/autoschedule.h: the kb74 problem
            return;
        }
        Stages s{out, conv, xz, wz, wphase, wtile, phase_base, l, q, p, co, b, r, stride, groups, K, dilation, padding, two_taps, three_taps,
                 all_slots, groups_in_blocks, merged, u, chunks, threads, cache_bytes, out.dim(0).extent(), out.dim(1).extent(),
                 out.dim(2).extent(), cin_g, classes, phase_first};
        Knobs knobs{tile_l, reg_l, reg_co, ungrouped != 0, stage_w != 0, pad_x != 0, unroll_ci, taps, dil,
                    fixed_stride, fixed_padding, exact, stage_out, co_first != 0, split_ci, phase_taps, lanes != 0,
                    int(tap_classes), grid_chunks != 0};
        s.cols = cols;
        s.cols_w = cols_w;
        s.cols_r = cols_r;
        s.cols_phase = cols_phase;
        apply_schedule(family, get_target(), s, knobs);
    }
};

// cpu_phase's weights by blocks (wtile above) as a pipeline of their own: prepared once per layer
// (convt1d::Layer) and read by the cpu_phase variant built with packed_w = 1, instead of gathered from
// w in every call. wpacked(j, m, ci, cb, p): lane j < A of block cb (A = cpu_phase_channels(target,
// reg_co), the variant's), tap m < ceil(K / step), input channel ci < C_in, phase p < stride.
class PackWeights : public Generator<PackWeights> {
public:
    GeneratorParam<Type> elem_type{"elem_type", Float(32)};
    GeneratorParam<int> reg_co{"reg_co", 8};  // the cpu_phase point's, for its block A

    Input<Buffer<void, 3>> w{"w"};  // (k, co_g, ci) = PyTorch (C_in, C_out/groups, K)
    Input<int> stride{"stride"};
    Input<int> padding{"padding"};
    Input<int> dilation{"dilation"};
    Input<int> tap_step{"tap_step"};
    Input<int> tap_inverse{"tap_inverse"};
    Output<Buffer<void, 5>> wpacked{"wpacked"};

    void configure() {
        w.set_type(elem_type);
        wpacked.set_type(elem_type);
    }

    void generate() {
        Var j("j"), m("m"), ci("ci"), cb("cb"), p("p");
        const int A = cpu_phase_channels(get_target(), reg_co);
        const Expr K = w.dim(0).extent();
        add_requirement(tap_inputs_fit(stride, dilation, tap_step, tap_inverse), "tap_step", tap_step,
                        "and tap_inverse", tap_inverse, "do not fit stride", stride, "and dilation", dilation);
        Func wz = BoundaryConditions::constant_exterior(w, make_zero(elem_type),
                                                        {{0, K}, {0, w.dim(1).extent()}, {0, w.dim(2).extent()}});
        const ClosedFormPhase phase = closed_form_phase(p, K, stride, padding, dilation, tap_step, tap_inverse);
        wpacked(j, m, ci, cb, p) = weight_block(wz, phase, tap_step, j, m, ci, cb, A);
        w.dim(0).set_stride(1);
        pin_weight_blocks(wpacked, A);
        schedule_cpu_phase_weights(get_target(), wpacked, A, wz, K);
    }
};

}  // namespace convt1d

HALIDE_REGISTER_GENERATOR(convt1d::ConvTranspose1d, convt1d)
HALIDE_REGISTER_GENERATOR(convt1d::PackWeights, convt1d_pack_weights)
