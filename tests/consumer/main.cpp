#include <convt1d/convt1d.h>

#include <cstdio>

int main() {
    const float x[] = {1, 2, 3}, w[] = {1, 10};
    float out[6];
    convt1d::Params p;
    p.stride = 2;
    convt1d::Options o;
    o.device = convt1d::Device::CPU;
    const convt1d::Status st = convt1d::conv_transpose1d(convt1d::contiguous(x, 1, 1, 3), convt1d::contiguous(w, 1, 1, 2),
                                                         nullptr, convt1d::contiguous(out, 1, 1, 6), p, o);
    const float want[] = {1, 10, 2, 20, 3, 30};
    for (int i = 0; i < 6; ++i) {
        if (!st.ok || out[i] != want[i]) {
            std::printf("consumer: FAIL %s\n", st.message.c_str());
            return 1;
        }
    }
    std::printf("consumer: ok\n");
    return 0;
}
