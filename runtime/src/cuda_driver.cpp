// The few libcuda entry points the runtime needs, loaded with dlopen so that the library never
// depends on a driver being installed. Halide's own CUDA runtime loads libcuda the same way.
#include "internal.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace convt1d::detail {
namespace {

using CUresult = int;
using CUdevice = int;
using CUcontext = void *;

struct Driver {
    CUresult (*cuInit)(unsigned) = nullptr;
    CUresult (*cuDeviceGetCount)(int *) = nullptr;
    CUresult (*cuDeviceGet)(CUdevice *, int) = nullptr;
    CUresult (*cuDeviceGetName)(char *, int, CUdevice) = nullptr;
    CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice) = nullptr;
    CUresult (*cuCtxGetCurrent)(CUcontext *) = nullptr;
    CUresult (*cuCtxPushCurrent)(CUcontext) = nullptr;
    CUresult (*cuCtxPopCurrent)(CUcontext *) = nullptr;
    CUresult (*cuMemAlloc)(unsigned long long *, size_t) = nullptr;
    CUresult (*cuMemFree)(unsigned long long) = nullptr;
    CUresult (*cuMemcpyHtoD)(unsigned long long, const void *, size_t) = nullptr;
    CUresult (*cuMemcpyDtoH)(void *, unsigned long long, size_t) = nullptr;
    CUresult (*cuStreamSynchronize)(void *) = nullptr;
    CUresult (*cuStreamCreate)(void **, unsigned) = nullptr;
    CUresult (*cuStreamDestroy)(void *) = nullptr;
    CUresult (*cuEventCreate)(void **, unsigned) = nullptr;
    CUresult (*cuEventRecord)(void *, void *) = nullptr;
    CUresult (*cuStreamWaitEvent)(void *, void *, unsigned) = nullptr;
    CUresult (*cuEventDestroy)(void *) = nullptr;
    CUresult (*cuCtxGetId)(CUcontext, unsigned long long *) = nullptr;  // CUDA 12.0+; optional
    CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice) = nullptr;
    CUresult (*cuFuncSetAttribute)(void *, int, int) = nullptr;
    CUresult (*cuLaunchKernel)(void *, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void *,
                               void **, void **) = nullptr;
    void *lib = nullptr;          // libcuda's handle (also for Halide's runtime: halide_cuda_get_symbol below)
    int shared_optin = 0;         // device 0's shared memory a block may opt in to, in bytes
    bool ready = false;           // libcuda loaded, initialised, and at least one device
    std::string name;             // device 0's name (part of every tuning key: read once)
    CUcontext primary = nullptr;  // device 0's primary context, retained for the process
};

template <typename F>
bool load(void *lib, const char *name, F &fn) {
    fn = reinterpret_cast<F>(dlsym(lib, name));
    return fn != nullptr;
}

// Written once under call_once, read-only afterwards.
const Driver &driver() {
    static Driver d;
    static std::once_flag once;
    std::call_once(once, [] {
        void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!lib) lib = dlopen("libcuda.so", RTLD_NOW | RTLD_LOCAL);
        if (!lib) return;
        d.lib = lib;
        bool ok = load(lib, "cuInit", d.cuInit) && load(lib, "cuDeviceGetCount", d.cuDeviceGetCount) &&
                  load(lib, "cuDeviceGet", d.cuDeviceGet) && load(lib, "cuDeviceGetName", d.cuDeviceGetName) &&
                  load(lib, "cuDevicePrimaryCtxRetain", d.cuDevicePrimaryCtxRetain) &&
                  load(lib, "cuCtxGetCurrent", d.cuCtxGetCurrent) &&
                  load(lib, "cuCtxPushCurrent_v2", d.cuCtxPushCurrent) &&
                  load(lib, "cuCtxPopCurrent_v2", d.cuCtxPopCurrent) && load(lib, "cuMemAlloc_v2", d.cuMemAlloc) &&
                  load(lib, "cuMemFree_v2", d.cuMemFree) && load(lib, "cuMemcpyHtoD_v2", d.cuMemcpyHtoD) &&
                  load(lib, "cuMemcpyDtoH_v2", d.cuMemcpyDtoH) &&
                  load(lib, "cuStreamSynchronize", d.cuStreamSynchronize) &&
                  load(lib, "cuStreamCreate", d.cuStreamCreate) && load(lib, "cuStreamDestroy_v2", d.cuStreamDestroy) &&
                  load(lib, "cuEventCreate", d.cuEventCreate) && load(lib, "cuEventRecord", d.cuEventRecord) &&
                  load(lib, "cuStreamWaitEvent", d.cuStreamWaitEvent) &&
                  load(lib, "cuEventDestroy_v2", d.cuEventDestroy) &&
                  load(lib, "cuDeviceGetAttribute", d.cuDeviceGetAttribute) &&
                  load(lib, "cuFuncSetAttribute", d.cuFuncSetAttribute) &&
                  load(lib, "cuLaunchKernel", d.cuLaunchKernel);
        if (!ok || d.cuInit(0) != 0) return;
        load(lib, "cuCtxGetId", d.cuCtxGetId);
        int n = 0;
        CUdevice dev = 0;
        if (d.cuDeviceGetCount(&n) != 0 || n < 1 || d.cuDeviceGet(&dev, 0) != 0) return;
        if (d.cuDevicePrimaryCtxRetain(&d.primary, dev) != 0) return;
        constexpr int kMaxSharedPerBlockOptin = 97;  // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
        if (d.cuDeviceGetAttribute(&d.shared_optin, kMaxSharedPerBlockOptin, dev) != 0) d.shared_optin = 0;
        char name[256] = {0};
        if (d.cuDeviceGetName(name, sizeof(name) - 1, dev) == 0) d.name = name;
        d.ready = true;
    });
    return d;
}

}  // namespace

bool cuda_driver_ready() { return driver().ready; }

int64_t shared_limit() {
    // 1 KiB under the device's figure, for Halide's own rounding of a kernel's shared memory (a
    // problem needing exactly the 48 KiB a kernel gets without opting in faulted on the H100).
    // Where no device is found, CONVT1D_ASSUME_SHARED_OPTIN (bytes, read once) stands in for its figure,
    // so that `convt1d rank` on a machine without the GPU ranks as the GPU would (tests/check_ranking.py).
    static const int64_t assumed = [] {
        const char *v = std::getenv("CONVT1D_ASSUME_SHARED_OPTIN");
        return v ? std::max<int64_t>(0, std::atoll(v)) : 0;
    }();
    const Driver &d = driver();
    return std::max<int64_t>(d.ready ? d.shared_optin : assumed, kSharedDefault) - 1024;
}

std::string cuda_driver_device_name() { return driver().name; }

int cuda_driver_context(void **ctx) {
    const Driver &d = driver();
    if (!d.ready) return -1;
    CUcontext current = nullptr;
    if (d.cuCtxGetCurrent(&current) == 0 && current != nullptr) {
        *ctx = current;
    } else {
        *ctx = d.primary;
    }
    return 0;
}

namespace {
// Runs f with the library's context current on this thread, restoring the caller's afterwards.
template <typename F>
int in_context(F &&f) {
    const Driver &d = driver();
    if (!d.ready) return -1;
    void *ctx = nullptr;
    cuda_driver_context(&ctx);
    if (int rc = d.cuCtxPushCurrent(ctx); rc != 0) return rc;
    const int rc = f(d);
    CUcontext popped = nullptr;
    d.cuCtxPopCurrent(&popped);
    return rc;
}
}  // namespace

int cuda_driver_alloc(void **ptr, size_t bytes) {
    return in_context([&](const Driver &d) {
        unsigned long long p = 0;
        const int rc = d.cuMemAlloc(&p, bytes);
        *ptr = reinterpret_cast<void *>(p);
        return rc;
    });
}
int cuda_driver_free(void *ptr) {
    return in_context([&](const Driver &d) { return d.cuMemFree(reinterpret_cast<uintptr_t>(ptr)); });
}
int cuda_driver_copy(void *dst, const void *src, size_t bytes, bool to_device) {
    return in_context([&](const Driver &d) {
        return to_device ? d.cuMemcpyHtoD(reinterpret_cast<uintptr_t>(dst), src, bytes)
                         : d.cuMemcpyDtoH(dst, reinterpret_cast<uintptr_t>(src), bytes);
    });
}
int cuda_driver_zeros(void *ctx, int64_t n, const float **ptr) {
    // Keyed by the context and, where the driver has it, its unique id: a context the caller
    // destroyed took its buffer with it, and a new one at the same address must not find it.
    struct Zeros {
        void *ctx;
        unsigned long long id;
        int64_t n;
        const float *ptr;
    };
    static std::mutex mu;
    static std::vector<Zeros> all;  // guarded by mu; never shrinks (see internal.h)
    const Driver &d = driver();
    unsigned long long id = 0;
    if (d.cuCtxGetId && d.cuCtxGetId(ctx, &id) != 0) id = 0;
    std::lock_guard<std::mutex> lock(mu);
    for (const Zeros &z : all) {
        if (z.ctx == ctx && z.id == id && z.n >= n) {
            *ptr = z.ptr;
            return 0;
        }
    }
    const int64_t count = std::max<int64_t>(n, 4096);
    const std::vector<float> zeros(size_t(count), 0.0f);
    void *p = nullptr;
    if (int rc = cuda_driver_alloc(&p, size_t(count) * sizeof(float)); rc != 0) return rc;
    if (int rc = cuda_driver_copy(p, zeros.data(), size_t(count) * sizeof(float), true); rc != 0) {
        cuda_driver_free(p);
        return rc;
    }
    all.push_back({ctx, id, count, static_cast<const float *>(p)});
    *ptr = all.back().ptr;
    return 0;
}

int cuda_driver_sync(void *stream) {
    return in_context([&](const Driver &d) { return d.cuStreamSynchronize(stream); });
}

int cuda_driver_stream_create(void **stream) {
    return in_context([&](const Driver &d) { return d.cuStreamCreate(stream, 1 /* CU_STREAM_NON_BLOCKING */); });
}
int cuda_driver_stream_destroy(void *stream) {
    return in_context([&](const Driver &d) { return d.cuStreamDestroy(stream); });
}

namespace {
// One side stream per CUDA context, created on first use and kept for the process: Halide's cache of
// device allocations hands a buffer out again only on the stream it was freed on, so a stream per
// call would leave its buffers unusable (and their release, a cuMemFree, synchronises the device).
// Callers on different streams share it; the events keep each call's order, at most queueing one
// caller's row ends behind another's.
int side_stream_of_context(const Driver &d, void **stream) {
    static std::mutex mutex;
    static std::vector<std::pair<void *, void *>> streams;  // (context, stream)
    void *ctx = nullptr;
    cuda_driver_context(&ctx);
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto &[c, s] : streams) {
        if (c == ctx) return *stream = s, 0;
    }
    constexpr unsigned kNonBlocking = 1;
    if (int r = d.cuStreamCreate(stream, kNonBlocking); r != 0) return r;
    streams.emplace_back(ctx, *stream);
    return 0;
}
}  // namespace

int SideStream::fork(void *main, SideStream *out) {
    SideStream side;
    const int rc = in_context([&](const Driver &d) {
        constexpr unsigned kDisableTiming = 2;
        if (int r = side_stream_of_context(d, &side.stream_); r != 0) return r;
        if (int r = d.cuEventCreate(&side.forked_, kDisableTiming); r != 0) return r;
        if (int r = d.cuEventCreate(&side.joined_, kDisableTiming); r != 0) return r;
        if (int r = d.cuEventRecord(side.forked_, main); r != 0) return r;
        return d.cuStreamWaitEvent(side.stream_, side.forked_, 0);
    });
    if (rc == 0) *out = std::move(side);
    return rc;
}

int SideStream::join(void *main) {
    const int rc = in_context([&](const Driver &d) {
        if (int r = d.cuEventRecord(joined_, stream_); r != 0) return r;
        return d.cuStreamWaitEvent(main, joined_, 0);
    });
    is_joined_ = rc == 0;
    return rc;
}

SideStream &SideStream::operator=(SideStream &&o) noexcept {
    std::swap(stream_, o.stream_);
    std::swap(forked_, o.forked_);
    std::swap(joined_, o.joined_);
    std::swap(is_joined_, o.is_joined_);
    return *this;
}

SideStream::~SideStream() {
    // (CUDA defers the release of an event with work still pending until that work is done; the
    // stream stays, the context's)
    if (!forked_ && !joined_) return;
    in_context([&](const Driver &d) {
        // A fork left unjoined (a call that failed half-way): its queued work is waited for here, so
        // that nothing of the call still runs once it has returned.
        if (stream_ && !is_joined_) d.cuStreamSynchronize(stream_);
        if (joined_) d.cuEventDestroy(joined_);
        if (forked_) d.cuEventDestroy(forked_);
        return 0;
    });
}

namespace {
// What Halide's runtime calls for cuLaunchKernel (halide_cuda_get_symbol below): a kernel whose
// dynamic shared memory exceeds the 48 KiB every kernel gets is opted in to it first (per launch:
// the attribute is the function's, and a launch asking less is unaffected), which Halide 21's CUDA
// runtime does not do (its launch fails with CUDA_ERROR_INVALID_VALUE there).
CUresult launch_kernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                       unsigned shared, void *stream, void **params, void **extra) {
    const Driver &d = driver();
    if (shared > unsigned(kSharedDefault)) {
        constexpr int kMaxDynamicSharedSizeBytes = 8;  // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
        if (CUresult rc = d.cuFuncSetAttribute(f, kMaxDynamicSharedSizeBytes, int(shared)); rc != 0) return rc;
    }
    return d.cuLaunchKernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
}
}  // namespace

}  // namespace convt1d::detail

// Halide's CUDA runtime resolves every driver entry point through this hook (a weak definition in
// the runtime; this one replaces it at link time): the same libcuda, with cuLaunchKernel wrapped.
extern "C" void *halide_cuda_get_symbol(void *, const char *name) {
    using namespace convt1d::detail;
    const Driver &d = driver();
    if (!d.lib) return nullptr;
    if (std::strcmp(name, "cuLaunchKernel") == 0 && d.cuLaunchKernel && d.cuFuncSetAttribute) {
        return reinterpret_cast<void *>(&launch_kernel);
    }
    return dlsym(d.lib, name);
}

namespace convt1d {

Status Stream::create(Stream *out) {
    if (!detail::cuda_driver_ready()) return Status::error("Stream: no CUDA device is available");
    void *s = nullptr;
    if (int rc = detail::cuda_driver_stream_create(&s); rc != 0) {
        return Status::error("Stream: cuStreamCreate failed (CUresult " + std::to_string(rc) + ")");
    }
    Stream st;
    st.s_ = s;
    *out = std::move(st);
    return Status::success();
}

Stream &Stream::operator=(Stream &&o) noexcept {
    if (this != &o) {
        if (s_) detail::cuda_driver_stream_destroy(s_);
        s_ = o.s_;
        o.s_ = nullptr;
    }
    return *this;
}

Stream::~Stream() {
    if (s_) detail::cuda_driver_stream_destroy(s_);
}

Status DeviceBuffer::allocate(size_t count, DeviceBuffer *out) {
    if (!detail::cuda_driver_ready()) return Status::error("DeviceBuffer: no CUDA device is available");
    void *p = nullptr;
    if (int rc = detail::cuda_driver_alloc(&p, count * sizeof(float)); rc != 0) {
        return Status::error("DeviceBuffer: cuMemAlloc of " + std::to_string(count * sizeof(float)) +
                             " bytes failed (CUresult " + std::to_string(rc) + ")");
    }
    DeviceBuffer b;
    b.ptr_ = static_cast<float *>(p);
    b.count_ = count;
    *out = std::move(b);
    return Status::success();
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&o) noexcept : ptr_(o.ptr_), count_(o.count_) {
    o.ptr_ = nullptr;
    o.count_ = 0;
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&o) noexcept {
    if (this != &o) {
        if (ptr_) detail::cuda_driver_free(ptr_);
        ptr_ = o.ptr_;
        count_ = o.count_;
        o.ptr_ = nullptr;
        o.count_ = 0;
    }
    return *this;
}

DeviceBuffer::~DeviceBuffer() {
    if (ptr_) detail::cuda_driver_free(ptr_);
}

Status DeviceBuffer::upload(const float *host, size_t count) {
    if (count > count_) return Status::error("DeviceBuffer::upload: count exceeds the buffer's size");
    if (int rc = detail::cuda_driver_copy(ptr_, host, count * sizeof(float), true); rc != 0) {
        return Status::error("DeviceBuffer::upload: cuMemcpyHtoD failed (CUresult " + std::to_string(rc) + ")");
    }
    return Status::success();
}

Status DeviceBuffer::download(float *host, size_t count) const {
    if (count > count_) return Status::error("DeviceBuffer::download: count exceeds the buffer's size");
    if (int rc = detail::cuda_driver_copy(host, ptr_, count * sizeof(float), false); rc != 0) {
        return Status::error("DeviceBuffer::download: cuMemcpyDtoH failed (CUresult " + std::to_string(rc) + ")");
    }
    return Status::success();
}

Status synchronize(void *stream) {
    if (!detail::cuda_driver_ready()) return Status::error("synchronize: no CUDA device is available");
    if (int rc = detail::cuda_driver_sync(stream); rc != 0) {
        return Status::error("synchronize: cuStreamSynchronize failed (CUresult " + std::to_string(rc) + ")");
    }
    return Status::success();
}

}  // namespace convt1d
