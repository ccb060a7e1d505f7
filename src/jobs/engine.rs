//! The render engine abstraction: what the render worker drives. The real engine runs a
//! generator ([`crate::jobs::generator_engine`]); tests use their own (slow, failing, synthetic).

use std::path::Path;

use crate::Result;
use crate::jobs::request::{EngineOutput, NetworkInfo, RenderRequest};

/// A loaded network that renders requests. Lives on the worker thread only.
pub trait RenderEngine: Send {
    fn info(&self) -> NetworkInfo;
    fn render(&mut self, request: &RenderRequest) -> Result<EngineOutput>;
}

/// Opens a file as a [`RenderEngine`]; called on the worker thread.
pub trait EngineLoader: Send + Sync {
    fn load(&self, path: &Path) -> Result<Box<dyn RenderEngine>>;
}

impl<F> EngineLoader for F
where
    F: Fn(&Path) -> Result<Box<dyn RenderEngine>> + Send + Sync,
{
    fn load(&self, path: &Path) -> Result<Box<dyn RenderEngine>> {
        self(path)
    }
}
