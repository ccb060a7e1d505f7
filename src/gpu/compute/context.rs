//! The wgpu device the compute engine runs on: created headless (tests, command line, benchmarks)
//! or shared with the window (eframe's device and queue). Wraps buffer creation with the limit
//! checks, waits with a timeout, read-back, error scopes and device-loss detection, so that no
//! wgpu failure becomes a panic or a hang.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::gpu::compute::pipelines::Pipelines;
use crate::{Error, Result};

/// How long a wait for the GPU may take before it is reported as an error (lavapipe renders a
/// 1024² StyleGAN3 frame in minutes, a real GPU in milliseconds).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// A device and queue plus what the engine needs around them. Cheap to clone (shared handles).
#[derive(Clone, Debug)]
pub struct GpuContext {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    /// Set by the device-lost callback.
    lost: Arc<Mutex<Option<String>>>,
    /// Set by the uncaptured-error handler of a headless device.
    uncaptured: Arc<Mutex<Option<String>>>,
    timeout: Duration,
    pipelines: Arc<Pipelines>,
    dummy: wgpu::Buffer,
}

impl GpuContext {
    /// Creates a device of its own: the best adapter with compute shaders among Vulkan, Metal,
    /// DX12 and GL (`WGPU_BACKEND` narrows the choice), with the adapter's full limits.
    /// Fails with a message saying why when there is none.
    pub fn headless() -> Result<Self> {
        let backends = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::PRIMARY | wgpu::Backends::GL);
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends,
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapter = pick_adapter(&instance, backends)?;
        let (device, queue) = pollster::block_on(adapter.request_device(&device_descriptor(&adapter)))
            .map_err(|e| Error::Gpu(format!("cannot open {}: {e}", describe(&adapter.get_info()))))?;
        let uncaptured = Arc::new(Mutex::new(None));
        let sink = Arc::clone(&uncaptured);
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut slot) = sink.lock() {
                slot.get_or_insert_with(|| e.to_string());
            }
        }));
        Ok(Self::build(device, queue, adapter.get_info(), uncaptured))
    }

    /// Uses a device created elsewhere (the window's). Errors of the engine's own work are caught
    /// with error scopes; the device's uncaptured-error handler is left as it is.
    /// The device should have been created with [`device_descriptor`] (the adapter's limits):
    /// eframe's default limits cap storage buffers at 128 MiB, too small for large networks.
    pub fn from_device(device: wgpu::Device, queue: wgpu::Queue) -> Self {
        let info = device.adapter_info();
        Self::build(device, queue, info, Arc::new(Mutex::new(None)))
    }

    fn build(
        device: wgpu::Device,
        queue: wgpu::Queue,
        info: wgpu::AdapterInfo,
        uncaptured: Arc<Mutex<Option<String>>>,
    ) -> Self {
        let lost = Arc::new(Mutex::new(None));
        let sink = Arc::clone(&lost);
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut slot) = sink.lock() {
                slot.get_or_insert_with(|| format!("{reason:?}: {message}"));
            }
        });
        let dummy = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("stylescope unused binding"),
            size: 16,
            usage: wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        Self {
            device,
            queue,
            info,
            lost,
            uncaptured,
            timeout: DEFAULT_TIMEOUT,
            pipelines: Arc::new(Pipelines::default()),
            dummy,
        }
    }

    pub fn device(&self) -> &wgpu::Device {
        &self.device
    }

    pub fn queue(&self) -> &wgpu::Queue {
        &self.queue
    }

    pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
        &self.info
    }

    /// "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, Cpu)".
    pub fn description(&self) -> String {
        describe(&self.info)
    }

    /// Whether the adapter is a software rasteriser (lavapipe, llvmpipe, WARP).
    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    pub fn limits(&self) -> wgpu::Limits {
        self.device.limits()
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Changes how long a wait for the GPU may take.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub(crate) fn pipelines(&self) -> &Pipelines {
        &self.pipelines
    }

    /// A 16-byte storage buffer for bindings a kernel declares but does not use in this step.
    pub(crate) fn dummy(&self) -> &wgpu::Buffer {
        &self.dummy
    }

    /// Fails once the device is lost, or after an uncaptured wgpu error on a headless device.
    pub fn check(&self) -> Result<()> {
        if let Some(reason) = self.lost.lock().ok().and_then(|g| g.clone()) {
            return Err(Error::DeviceLost(reason));
        }
        if let Some(e) = self.uncaptured.lock().ok().and_then(|g| g.clone()) {
            return Err(Error::Gpu(e));
        }
        Ok(())
    }

    /// Runs `f` inside validation and out-of-memory error scopes; a wgpu error becomes
    /// [`Error::Gpu`] naming `what`.
    pub(crate) fn scoped<T>(&self, what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.check()?;
        let oom = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let validation = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let result = f();
        let v = pollster::block_on(validation.pop());
        let o = pollster::block_on(oom.pop());
        self.check()?;
        if let Some(e) = o {
            return Err(Error::Gpu(format!("{what}: out of GPU memory: {e}")));
        }
        if let Some(e) = v {
            return Err(Error::Gpu(format!("{what}: {e}")));
        }
        result
    }

    fn check_size(&self, label: &str, bytes: u64) -> Result<()> {
        let limits = self.device.limits();
        let max = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
        if bytes > max {
            return Err(Error::Gpu(format!(
                "`{label}` needs a storage buffer of {}, but this adapter ({}) allows at most {} \
                 (max_storage_buffer_binding_size {}, max_buffer_size {}); use the CPU engine for this network",
                mib(bytes),
                self.description(),
                mib(max),
                mib(limits.max_storage_buffer_binding_size),
                mib(limits.max_buffer_size)
            )));
        }
        Ok(())
    }

    /// A storage buffer holding `data`.
    pub(crate) fn storage_init(&self, label: &str, data: &[f32]) -> Result<wgpu::Buffer> {
        let buffer = self.storage(label, data.len().max(4))?;
        if !data.is_empty() {
            self.queue.write_buffer(&buffer, 0, bytemuck::cast_slice(data));
        }
        Ok(buffer)
    }

    /// A zeroed storage buffer of `len` f32 values (at least 4).
    pub(crate) fn storage(&self, label: &str, len: usize) -> Result<wgpu::Buffer> {
        let bytes = 4 * len.max(4) as u64;
        self.check_size(label, bytes)?;
        Ok(self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        }))
    }

    /// A uniform buffer holding `words` (padded to 16 bytes), writable per frame.
    pub(crate) fn uniform(&self, label: &str, words: &[u32]) -> wgpu::Buffer {
        let mut padded = words.to_vec();
        while padded.is_empty() || !padded.len().is_multiple_of(4) {
            padded.push(0);
        }
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: 4 * padded.len() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.queue.write_buffer(&buffer, 0, bytemuck::cast_slice(&padded));
        buffer
    }

    /// A buffer the CPU can map for reading, `bytes` long.
    pub(crate) fn staging(&self, label: &str, bytes: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes.max(4),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Submits `encoder` and waits (with the timeout) until the GPU has finished it.
    pub(crate) fn submit_and_wait(&self, encoder: wgpu::CommandEncoder) -> Result<()> {
        let index = self.queue.submit(Some(encoder.finish()));
        self.wait(index)
    }

    /// Waits for submission `index`, at most [`GpuContext::timeout`].
    pub(crate) fn wait(&self, index: wgpu::SubmissionIndex) -> Result<()> {
        self.check()?;
        let result =
            self.device.poll(wgpu::PollType::Wait { submission_index: Some(index), timeout: Some(self.timeout) });
        self.check()?;
        match result {
            Ok(_) => Ok(()),
            Err(wgpu::PollError::Timeout) => Err(Error::Gpu(format!(
                "the GPU ({}) did not finish within {:.0} s",
                self.description(),
                self.timeout.as_secs_f64()
            ))),
            Err(e) => Err(Error::Gpu(format!("waiting for the GPU failed: {e}"))),
        }
    }

    /// Maps `staging` (already filled by finished work) and returns its first `len` f32 values.
    pub(crate) fn map_f32(&self, staging: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
        let bytes = self.map_bytes(staging, 4 * len as u64)?;
        Ok(bytemuck::pod_collect_to_vec(&bytes))
    }

    /// Maps `staging` and returns its first `bytes` bytes.
    pub(crate) fn map_bytes(&self, staging: &wgpu::Buffer, bytes: u64) -> Result<Vec<u8>> {
        let bytes = bytes.max(4);
        let done: Arc<Mutex<Option<std::result::Result<(), wgpu::BufferAsyncError>>>> = Arc::new(Mutex::new(None));
        let sink = Arc::clone(&done);
        staging.map_async(wgpu::MapMode::Read, 0..bytes, move |r| {
            if let Ok(mut slot) = sink.lock() {
                *slot = Some(r);
            }
        });
        self.check()?;
        let polled = self.device.poll(wgpu::PollType::Wait { submission_index: None, timeout: Some(self.timeout) });
        self.check()?;
        polled.map_err(|e| Error::Gpu(format!("reading back from the GPU failed: {e}")))?;
        let state = done.lock().ok().and_then(|mut g| g.take());
        match state {
            Some(Ok(())) => {}
            Some(Err(e)) => return Err(Error::Gpu(format!("mapping a read-back buffer failed: {e}"))),
            None => return Err(Error::Gpu("a read-back buffer was never mapped".into())),
        }
        let data = {
            let view = staging
                .get_mapped_range(0..bytes)
                .map_err(|e| Error::Gpu(format!("reading a mapped buffer failed: {e}")))?;
            view.to_vec()
        };
        staging.unmap();
        Ok(data)
    }

    /// Copies `len` f32 values from `src` (a storage buffer) to the CPU.
    pub(crate) fn read_f32(&self, src: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
        let bytes = 4 * len as u64;
        let staging = self.staging("stylescope read-back", bytes);
        let mut encoder =
            self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("read-back") });
        encoder.copy_buffer_to_buffer(src, 0, &staging, 0, bytes);
        self.submit_and_wait(encoder)?;
        self.map_f32(&staging, len)
    }
}

/// The device request that gives the engine what it needs: the adapter's own limits (the
/// default limits cap storage buffers at 128 MiB and GL devices at WebGL2, without compute).
/// Pass it to eframe (`egui_wgpu::WgpuSetupCreateNew::device_descriptor`) so the window's device
/// can run the engine too.
pub fn device_descriptor(adapter: &wgpu::Adapter) -> wgpu::DeviceDescriptor<'static> {
    wgpu::DeviceDescriptor { label: Some("stylescope device"), required_limits: adapter.limits(), ..Default::default() }
}

/// Whether an adapter can run compute shaders at all.
pub fn supports_compute(adapter: &wgpu::Adapter) -> bool {
    adapter.get_downlevel_capabilities().flags.contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
        && adapter.limits().max_storage_buffers_per_shader_stage >= 8
        && adapter.limits().max_compute_invocations_per_workgroup >= 256
}

fn describe(info: &wgpu::AdapterInfo) -> String {
    format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Prefers real GPUs over software ones and native backends over GL; first asks wgpu for a
/// high-performance adapter (no fallback), then considers every adapter.
fn pick_adapter(instance: &wgpu::Instance, backends: wgpu::Backends) -> Result<wgpu::Adapter> {
    let preferred = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::HighPerformance,
        force_fallback_adapter: false,
        compatible_surface: None,
        apply_limit_buckets: false,
    }));
    if let Ok(adapter) = preferred
        && supports_compute(&adapter)
        && adapter.get_info().device_type != wgpu::DeviceType::Cpu
    {
        return Ok(adapter);
    }
    let mut all = pollster::block_on(instance.enumerate_adapters(backends));
    let seen: Vec<String> = all.iter().map(|a| describe(&a.get_info())).collect();
    all.retain(supports_compute);
    all.sort_by_key(|a| {
        let info = a.get_info();
        let kind = match info.device_type {
            wgpu::DeviceType::DiscreteGpu => 0,
            wgpu::DeviceType::IntegratedGpu => 1,
            wgpu::DeviceType::VirtualGpu => 2,
            wgpu::DeviceType::Other => 3,
            wgpu::DeviceType::Cpu => 4,
        };
        let backend = if info.backend == wgpu::Backend::Gl { 1 } else { 0 };
        (kind, backend)
    });
    all.into_iter().next().ok_or_else(|| {
        Error::Gpu(if seen.is_empty() {
            format!(
                "no GPU adapter found (backends {backends:?}); install a Vulkan or GL driver, or use the CPU engine"
            )
        } else {
            format!(
                "no adapter can run the compute engine (needs compute shaders, 8 storage buffers per stage, \
                 256 invocations per workgroup); found: {}; use the CPU engine",
                seen.join(", ")
            )
        })
    })
}
