// The CUDA paths: device pointers the caller owns, and what happens without a device.
#include "test_util.h"

#include <cstring>

namespace convt1d::test {
namespace {

// A Case's x, w, bias and NaN-poisoned output copied to device buffers the test owns, and views of
// them with the Case's shapes and strides (row gaps included).
struct OnDevice {
    DeviceBuffer x, w, bias, out;
    ConstTensor tx, tw;
    Tensor to;

    Status upload(const Case &c) {
        for (auto [buf, host] : {std::pair{&x, &c.x}, {&w, &c.w}, {&bias, &c.bias}, {&out, &c.out}}) {
            if (Status st = DeviceBuffer::allocate(host->size(), buf); !st.ok) return st;
            if (Status st = buf->upload(host->data(), host->size()); !st.ok) return st;
        }
        tx = c.tx, tw = c.tw, to = c.to;
        tx.data = x.data(), tw.data = w.data(), to.data = out.data();
        return {};
    }
    const float *bias_ptr(const Case &c) const { return c.pr.bias ? bias.data() : nullptr; }
    // The output after the GPU is done with it.
    Status download(std::vector<float> *got) const {
        if (Status st = synchronize(); !st.ok) return st;
        got->resize(out.size());
        return out.download(got->data(), got->size());
    }
};

TEST(Cuda, WithoutADeviceCudaRequestsFailCleanly) {
    if (cuda_available()) GTEST_SKIP() << "a CUDA device is present; this test is for machines without one";
    std::mt19937_64 rng(test_seed() + 10);
    Case c(random_problem(rng), rng);
    Options o;
    o.device = Device::CUDA;
    Status st = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find("no CUDA device is available"), std::string::npos) << st.message;
    st = conv_transpose1d_device(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, {});
    EXPECT_FALSE(st.ok);
    DeviceBuffer d;
    EXPECT_FALSE(DeviceBuffer::allocate(16, &d).ok);
    for (float v : c.out) EXPECT_TRUE(std::isnan(v));
}

// An in-place variant on the caller's device buffers: the middle of each row by it, the ends by the
// edge variant, every element written (the output is poisoned with NaN), for rows of a few lengths
// and a row gap, and a misaligned x refused without touching the output.
TEST(Cuda, InPlaceVariantsOnDevicePointersMatchTheReference) {
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    std::mt19937_64 rng(test_seed() + 13);
    int ran = 0;
    for (const VariantInfo &v : variants()) {
        if (!v.in_place()) continue;
        // its geometry; a general one (phase_taps) at a vocoder's (K = phase_taps·stride, stride 4)
        const bool general = v.phase_taps > 0;
        const Params geometry{general ? 4 : std::max(v.stride, 1), general ? 2 : v.padding, 0, general ? 1 : v.dil, 1};
        const int64_t K = general ? 4 * v.phase_taps : v.taps;
        for (const int64_t L_in : {int64_t(2048), int64_t(5000), int64_t(12)}) {
            Problem pr{2, 8, 16, K, L_in, geometry, true};
            pr.x_row_pad = L_in == 5000 ? 8 : 0;
            Case c(pr, rng);
            OnDevice d;
            ASSERT_TRUE(d.upload(c).ok);
            Options o;
            o.variant = v.name;
            const Status st = conv_transpose1d_device(d.tx, d.tw, d.bias_ptr(c), d.to, c.pr.p, o);
            ASSERT_TRUE(st.ok) << v.name << ": " << st.message;
            std::vector<float> got;
            ASSERT_TRUE(d.download(&got).ok);
            ASSERT_TRUE(c.check(got)) << v.name << " " << c.pr.str();
            ++ran;
        }
        Case c(Problem{1, 4, 8, K, 1026, geometry, true}, rng);
        OnDevice d;
        ASSERT_TRUE(d.upload(c).ok);
        Options o;
        o.variant = v.name;
        const Status st = conv_transpose1d_device(d.tx, d.tw, d.bias_ptr(c), d.to, c.pr.p, o);
        EXPECT_FALSE(st.ok);
        EXPECT_NE(st.message.find("reads x in place as 16-byte vectors"), std::string::npos) << st.message;
        std::vector<float> got;
        ASSERT_TRUE(d.download(&got).ok);
        for (float e : got) ASSERT_TRUE(std::isnan(e)) << "a refused call wrote its output";
    }
    if (default_variant("cuda_l128_r4_c8_s_u4_inplace_so_reg80_k5s1d3p0")) EXPECT_GT(ran, 0);
}

TEST(Cuda, DevicePointersMatchTheReference) {
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    std::mt19937_64 rng(test_seed() + 11);
    for (int i = 0; i < 100; ++i) {
        Case c(random_problem(rng), rng);
        OnDevice d;
        ASSERT_TRUE(d.upload(c).ok);
        RunInfo info;
        Status st = conv_transpose1d_device(d.tx, d.tw, d.bias_ptr(c), d.to, c.pr.p, {}, &info);
        ASSERT_TRUE(st.ok) << st.message;
        EXPECT_EQ(info.device, Device::CUDA);
        // the first device-pointer call of a problem measures the model's first plans (Options::autotune; the
        // tests' own tuning cache starts empty) and runs the fastest
        EXPECT_EQ(info.choice, "tuned") << c.pr.str();
        std::vector<float> got;
        ASSERT_TRUE(d.download(&got).ok);
        ASSERT_TRUE(c.check(got)) << "case " << i;
    }
}

TEST(Cuda, HostPointersOnANonBlockingStreamMatchTheLegacyStream) {
    // Host pointers with the caller's stream. Halide's runtime copies the result back with
    // cuMemcpyDtoH on the legacy default stream, which the CUDA documentation does not order after a
    // stream created non-blocking (Stream::create's kind), so the runtime waits for the stream first.
    // Two problems alternate on one stream, so a copy that started early would return the other
    // problem's result left in the reused device buffer. (A build without that wait passed this
    // test too on the H100, driver 580: the driver's pageable copy waited. The test guards the path.)
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    std::mt19937_64 rng(test_seed() + 14);
    const int64_t B = 8, C = 64, K = 9, L = 32768;  // milliseconds of kernel on the grouped loop nest
    Params p;
    const int64_t L_out = output_length(L, K, p);
    std::uniform_real_distribution<float> U(-1.f, 1.f);
    std::vector<float> x[2], w(size_t(C * C * K)), expect[2];
    for (float &e : w) e = U(rng);
    Options o;
    o.device = Device::CUDA;
    o.variant = "cuda_l128_c4_g";
    for (int k = 0; k < 2; ++k) {
        x[k].resize(size_t(B * C * L));
        for (float &e : x[k]) e = U(rng);
        expect[k].assign(size_t(B * C * L_out), std::numeric_limits<float>::quiet_NaN());
        const Status st = conv_transpose1d(contiguous(x[k].data(), B, C, L), contiguous(w.data(), C, C, K), nullptr,
                                           contiguous(expect[k].data(), B, C, L_out), p, o);  // legacy stream
        ASSERT_TRUE(st.ok) << st.message;
    }
    Stream stream;
    ASSERT_TRUE(Stream::create(&stream).ok);
    o.cuda_stream = stream.get();
    for (int i = 0; i < 6; ++i) {
        std::vector<float> got(expect[0].size(), std::numeric_limits<float>::quiet_NaN());
        const Status st = conv_transpose1d(contiguous(x[i % 2].data(), B, C, L), contiguous(w.data(), C, C, K),
                                           nullptr, contiguous(got.data(), B, C, L_out), p, o);
        ASSERT_TRUE(st.ok) << st.message;
        ASSERT_EQ(std::memcmp(got.data(), expect[i % 2].data(), got.size() * sizeof(float)), 0)
            << "call " << i << " differs from the same call on the legacy stream";
    }
}

// An in-place call computes its rows' ends on a stream of the runtime's own beside the caller's: they
// must still wait for what the caller queued before. Call 1 (milliseconds on the grouped loop nest)
// writes y on the caller's stream, call 2 reads y as its x with an in-place variant right after,
// with no synchronisation between: its result must equal the same two calls with one (y is poisoned
// with NaN before each pair, so row ends that read y early differ).
TEST(Cuda, InPlaceRowEndsWaitForWhatTheCallersStreamQueuedBefore) {
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    const char *in_place = "cuda_l128_r4_c8_s_u4_inplace_so_reg80_k5s1d3p0";
    if (!default_variant(in_place)) GTEST_SKIP() << "SKIPPED: no " << in_place << " in this build";
    std::mt19937_64 rng(test_seed() + 16);
    std::uniform_real_distribution<float> U(-1.f, 1.f);
    const int64_t B = 8, C = 64, K1 = 9, L = 32768, K2 = 5;
    Params p1, p2;
    p1.padding = 4;  // y keeps x's length: its rows stay 16-byte aligned for call 2
    p2.dilation = 3;
    const int64_t L2 = output_length(L, K2, p2);
    std::vector<float> x(size_t(B * C * L)), w1(size_t(C * C * K1)), w2(size_t(C * C * K2));
    for (std::vector<float> *v : {&x, &w1, &w2}) {
        for (float &e : *v) e = U(rng);
    }
    const std::vector<float> poison(size_t(B * C * L), std::numeric_limits<float>::quiet_NaN());
    DeviceBuffer dx, dw1, dw2, dy, dz;
    for (auto [buf, host] : {std::pair{&dx, &x}, {&dw1, &w1}, {&dw2, &w2}}) {
        ASSERT_TRUE(DeviceBuffer::allocate(host->size(), buf).ok);
        ASSERT_TRUE(buf->upload(host->data(), host->size()).ok);
    }
    ASSERT_TRUE(DeviceBuffer::allocate(poison.size(), &dy).ok);
    ASSERT_TRUE(DeviceBuffer::allocate(size_t(B * C * L2), &dz).ok);
    Stream stream;
    ASSERT_TRUE(Stream::create(&stream).ok);
    Options o1, o2;
    o1.variant = "cuda_l128_c4_g";
    o2.variant = in_place;
    o1.cuda_stream = o2.cuda_stream = stream.get();
    const ConstTensor tx = contiguous(static_cast<const float *>(dx.data()), B, C, L);
    const ConstTensor ty = contiguous(static_cast<const float *>(dy.data()), B, C, L);
    auto pair = [&](bool sync_between, std::vector<float> *z) {
        ASSERT_TRUE(dy.upload(poison.data(), poison.size()).ok);
        ASSERT_TRUE(conv_transpose1d_device(tx, contiguous(static_cast<const float *>(dw1.data()), C, C, K1), nullptr,
                                            contiguous(dy.data(), B, C, L), p1, o1).ok);
        if (sync_between) ASSERT_TRUE(synchronize(stream.get()).ok);
        const Status st = conv_transpose1d_device(ty, contiguous(static_cast<const float *>(dw2.data()), C, C, K2),
                                                  nullptr, contiguous(dz.data(), B, C, L2), p2, o2);
        ASSERT_TRUE(st.ok) << st.message;
        ASSERT_TRUE(synchronize(stream.get()).ok);
        z->resize(size_t(B * C * L2));
        ASSERT_TRUE(dz.download(z->data(), z->size()).ok);
    };
    std::vector<float> expect, got;
    pair(true, &expect);
    if (HasFatalFailure()) return;
    for (float e : expect) ASSERT_FALSE(std::isnan(e)) << "call 2 read y before call 1 wrote it, with a sync between";
    for (int i = 0; i < 4; ++i) {
        pair(false, &got);
        if (HasFatalFailure()) return;
        ASSERT_EQ(std::memcmp(got.data(), expect.data(), got.size() * sizeof(float)), 0)
            << "pair " << i << " without a sync between differs from the pair with one";
    }
}

TEST(Cuda, NoBiasWiderThanTheFirstZeroBufferOnBothPaths) {
    // "No bias" reads zeros kept on the device (4,096 floats at first); more output channels than
    // that must grow them, not read past them.
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    std::mt19937_64 rng(test_seed() + 15);
    for (int64_t C_out : {64, 5000, 9000}) {
        Case c(Problem{1, 2, C_out, 3, 20, Params{}, false}, rng);
        Options o;
        o.device = Device::CUDA;
        OnDevice d;
        ASSERT_TRUE(d.upload(c).ok);  // before the host call overwrites c.out's NaN poison
        ASSERT_TRUE(conv_transpose1d(c.tx, c.tw, nullptr, c.to, c.pr.p, o).ok);
        ASSERT_TRUE(c.check(c.out)) << "host pointers, C_out " << C_out;
        ASSERT_TRUE(conv_transpose1d_device(d.tx, d.tw, nullptr, d.to, c.pr.p, o).ok);
        std::vector<float> got;
        ASSERT_TRUE(d.download(&got).ok);
        ASSERT_TRUE(c.check(got)) << "device pointers, C_out " << C_out;
    }
}

TEST(Cuda, AFailedAllocationIsAnErrorAndTheNextCallWorks) {
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    DeviceBuffer huge;
    const Status st = DeviceBuffer::allocate(size_t(1) << 40, &huge);  // 4 TiB
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find("cuMemAlloc"), std::string::npos) << st.message;
    std::mt19937_64 rng(test_seed() + 13);
    Case c(random_problem(rng), rng);
    Options o;
    o.device = Device::CUDA;
    const Status next = conv_transpose1d(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o);
    ASSERT_TRUE(next.ok) << next.message;
    EXPECT_TRUE(c.check(c.out));
}

TEST(Cuda, DevicePointersRefuseTheCpu) {
    std::mt19937_64 rng(test_seed() + 12);
    Case c(random_problem(rng), rng);
    Options o;
    o.device = Device::CPU;
    const Status st = conv_transpose1d_device(c.tx, c.tw, c.bias_ptr(), c.to, c.pr.p, o);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.message.find("device pointers need device = cuda"), std::string::npos) << st.message;
}

}  // namespace
}  // namespace convt1d::test
