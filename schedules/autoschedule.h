// The autoscheduler family: no directives, only the problem the autoscheduler (Anderson2021 for
// CUDA, via `-p libautoschedule_anderson2021.so autoscheduler=Anderson2021`) tunes for: kb74
// (B 32, C_in 32, C_out 64, K 5, L_in 131072, stride 1, dilation 3). The pipeline it produces is
// correct for every problem; its speed is tuned for this one.
#pragma once

namespace convt1d {

template <typename G>
void set_autoscheduler_estimates(G &g) {
    const int B = 32, C_in = 32, C_out = 64, K = 5, L_in = 131072, dilation = 3;
    const int L_out = (L_in - 1) + dilation * (K - 1) + 1;
    g.x.set_estimates({{0, L_in}, {0, C_in}, {0, B}});
    g.w.set_estimates({{0, K}, {0, C_out}, {0, C_in}});
    g.bias.set_estimates({{0, C_out}});
    g.out.set_estimates({{0, L_out}, {0, C_out}, {0, B}});
    g.stride.set_estimate(1);
    g.padding.set_estimate(0);
    g.dilation.set_estimate(dilation);
    g.groups.set_estimate(1);
}

}  // namespace convt1d
