// The CUDA paths: device pointers the caller owns, and what happens without a device.
#include "test_util.h"

namespace convt1d::test {
namespace {

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

TEST(Cuda, DevicePointersMatchTheReference) {
    if (!cuda_available()) GTEST_SKIP() << "SKIPPED: no CUDA device";
    std::mt19937_64 rng(test_seed() + 11);
    for (int i = 0; i < 100; ++i) {
        Case c(random_problem(rng), rng);
        DeviceBuffer dx, dw, db, dout;
        ASSERT_TRUE(DeviceBuffer::allocate(c.x.size(), &dx).ok);
        ASSERT_TRUE(DeviceBuffer::allocate(c.w.size(), &dw).ok);
        ASSERT_TRUE(DeviceBuffer::allocate(c.bias.size(), &db).ok);
        ASSERT_TRUE(DeviceBuffer::allocate(c.out.size(), &dout).ok);
        ASSERT_TRUE(dx.upload(c.x.data(), c.x.size()).ok);
        ASSERT_TRUE(dw.upload(c.w.data(), c.w.size()).ok);
        ASSERT_TRUE(db.upload(c.bias.data(), c.bias.size()).ok);
        ASSERT_TRUE(dout.upload(c.out.data(), c.out.size()).ok);  // NaN poison, row gaps included
        ConstTensor gx = c.tx, gw = c.tw;
        Tensor go = c.to;
        gx.data = dx.data(), gw.data = dw.data(), go.data = dout.data();
        RunInfo info;
        Status st = conv_transpose1d_device(gx, gw, c.pr.bias ? db.data() : nullptr, go, c.pr.p, {}, &info);
        ASSERT_TRUE(st.ok) << st.message;
        ASSERT_TRUE(synchronize().ok);
        EXPECT_EQ(info.device, Device::CUDA);
        std::vector<float> got(c.out.size());
        ASSERT_TRUE(dout.download(got.data(), got.size()).ok);
        ASSERT_TRUE(c.check(got)) << "case " << i;
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
