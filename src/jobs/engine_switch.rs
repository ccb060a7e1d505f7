//! [`EngineSwitch`]: the window's loader. Opens networks with the GPU engine
//! ([`crate::jobs::gpu_generator_engine`]) on the window's device when that is chosen and
//! possible, else with the CPU engine; when the GPU engine was chosen but cannot run, it says why
//! in one line ([`EngineSwitch::note`]) and the CPU engine opens the file.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::Result;
use crate::jobs::engine::{EngineLoader, RenderEngine};

/// Which engine renders the window's views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EngineChoice {
    /// The WGSL compute engine on the window's GPU device (the CPU engine when it cannot run).
    #[default]
    Gpu,
    /// The candle CPU engine.
    Cpu,
}

impl EngineChoice {
    pub fn name(self) -> &'static str {
        match self {
            Self::Gpu => "GPU",
            Self::Cpu => "CPU",
        }
    }
}

#[derive(Default)]
struct State {
    choice: EngineChoice,
    #[cfg(feature = "gpu")]
    gpu: Option<crate::gpu::compute::GpuContext>,
    /// Why there is no GPU device (set instead of `gpu`).
    no_gpu: Option<String>,
    note: Option<String>,
}

/// Opens networks with the chosen engine. Shared by the views' render workers.
pub struct EngineSwitch {
    cpu: Arc<dyn EngineLoader>,
    state: Mutex<State>,
    pixels: Arc<AtomicBool>,
}

impl std::fmt::Debug for EngineSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineSwitch")
            .field("choice", &self.choice())
            .field("note", &self.note())
            .finish_non_exhaustive()
    }
}

impl EngineSwitch {
    /// A switch whose CPU engine is `cpu` and that has no GPU device yet.
    pub fn new(cpu: Arc<dyn EngineLoader>, choice: EngineChoice) -> Self {
        let state = State { choice, no_gpu: Some("no GPU device was given to the engine".into()), ..State::default() };
        Self { cpu, state: Mutex::new(state), pixels: Arc::new(AtomicBool::new(false)) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Gives the GPU engine its device (the window's).
    #[cfg(feature = "gpu")]
    pub fn set_gpu(&self, ctx: crate::gpu::compute::GpuContext) {
        let mut s = self.state();
        s.gpu = Some(ctx);
        s.no_gpu = None;
    }

    /// Records why there is no GPU device (e.g. the window draws without wgpu).
    pub fn set_no_gpu(&self, why: impl Into<String>) {
        let mut s = self.state();
        #[cfg(feature = "gpu")]
        {
            s.gpu = None;
        }
        s.no_gpu = Some(why.into());
    }

    /// The adapter the GPU engine runs on, if it has one.
    pub fn gpu_description(&self) -> Option<String> {
        #[cfg(feature = "gpu")]
        {
            self.state().gpu.as_ref().map(crate::gpu::compute::GpuContext::description)
        }
        #[cfg(not(feature = "gpu"))]
        {
            None
        }
    }

    pub fn choice(&self) -> EngineChoice {
        self.state().choice
    }

    /// Chooses the engine for the next loads (views reopen their files to switch).
    pub fn set_choice(&self, choice: EngineChoice) {
        let mut s = self.state();
        s.choice = choice;
        s.note = None;
    }

    /// One line on why the GPU engine is not in use although it was chosen (`None` when it is,
    /// or when the CPU engine was chosen).
    pub fn note(&self) -> Option<String> {
        self.state().note.clone()
    }

    /// Whether GPU frames also come with their pixels (read back after each render). The window
    /// turns this on while it needs pixels of every frame (the difference view).
    pub fn set_read_back(&self, on: bool) {
        self.pixels.store(on, Ordering::Relaxed);
    }

    pub fn read_back(&self) -> bool {
        self.pixels.load(Ordering::Relaxed)
    }

    fn fall_back(&self, path: &Path, why: String) -> Result<Box<dyn RenderEngine>> {
        self.state().note = Some(format!("GPU engine unavailable: {why}; using the CPU engine"));
        self.cpu.load(path)
    }
}

impl EngineLoader for EngineSwitch {
    fn load(&self, path: &Path) -> Result<Box<dyn RenderEngine>> {
        let choice = self.choice();
        if choice == EngineChoice::Cpu {
            return self.cpu.load(path);
        }
        #[cfg(feature = "gpu")]
        {
            let (gpu, no_gpu) = {
                let s = self.state();
                (s.gpu.clone(), s.no_gpu.clone())
            };
            let Some(ctx) = gpu else {
                return self.fall_back(path, no_gpu.unwrap_or_else(|| "no GPU device".into()));
            };
            match crate::jobs::gpu_generator_engine::GpuGeneratorEngine::open(path, &ctx, Arc::clone(&self.pixels)) {
                Ok(engine) => {
                    self.state().note = None;
                    Ok(Box::new(engine))
                }
                // The adapter cannot run this network (limits, lost device): the CPU engine can.
                Err(e @ (crate::Error::Gpu(_) | crate::Error::DeviceLost(_))) => {
                    self.fall_back(path, first_line(&e.to_string()))
                }
                Err(e) => Err(e),
            }
        }
        #[cfg(not(feature = "gpu"))]
        {
            let why = self.state().no_gpu.clone().unwrap_or_default();
            self.fall_back(path, format!("built without the `gpu` feature ({why})"))
        }
    }
}

#[cfg(feature = "gpu")]
fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}
