//! The crate-wide error type. Library code returns [`Result`]; only `main` and `cli` use `anyhow`.
//!
//! Every error that comes from reading a file is wrapped in [`Error::File`] (see [`ResultExt::in_file`]),
//! so that what the user sees names the file first and the problem second.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error while reading or writing `path`.
    /// (The inner error is part of the message and deliberately not exposed as `source()`, so
    /// that printing the whole chain does not repeat it.)
    #[error("{}: {inner}", path.display())]
    File { path: PathBuf, inner: Box<Error> },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Broken, truncated or hostile pickle bytes; carries the byte offset.
    #[error(transparent)]
    Pickle(#[from] crate::checkpoint::pickle::PickleError),
    #[error("tensor computation failed: {0}")]
    Candle(candle_core::Error),
    /// The file parsed, but its content is not what a network checkpoint must hold.
    #[error("malformed checkpoint: {0}")]
    Format(String),
    /// A well-formed input that stylescope does not handle (yet), e.g. a TensorFlow-era pickle.
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("tensor `{name}` has shape {found:?}, expected {expected:?}")]
    Shape { name: String, expected: Vec<usize>, found: Vec<usize> },
    #[error("missing tensor `{0}`")]
    MissingTensor(String),
    /// A bad argument from the user or a caller (seed list, direction width, transform, ...).
    #[error("{0}")]
    Invalid(String),
    /// The work was cancelled by the user.
    #[error("cancelled")]
    Cancelled,
    /// The GPU engine cannot run here or failed: no adapter, missing capabilities, a wgpu
    /// validation or out-of-memory error, a timeout. The text says what and what to do instead.
    #[error("GPU: {0}")]
    Gpu(String),
    /// The GPU device was lost (driver reset, removed adapter); build a new engine or use the CPU.
    #[error("GPU device lost: {0}")]
    DeviceLost(String),
}

impl From<candle_core::Error> for Error {
    fn from(e: candle_core::Error) -> Self {
        Error::Candle(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps this error with the file it came from (once: an error already naming a file keeps it).
    pub fn in_file(self, path: &Path) -> Error {
        match self {
            Error::File { .. } => self,
            other => Error::File { path: path.to_path_buf(), inner: Box::new(other) },
        }
    }

    /// The innermost error, without file context.
    pub fn root(&self) -> &Error {
        match self {
            Error::File { inner, .. } => inner.root(),
            other => other,
        }
    }
}

/// Adds file context to any result whose error converts into [`Error`].
pub trait ResultExt<T> {
    fn in_file(self, path: &Path) -> Result<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for std::result::Result<T, E> {
    fn in_file(self, path: &Path) -> Result<T> {
        self.map_err(|e| e.into().in_file(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full chain (as `main` prints it with `{:#}`) names the file once and the problem once.
    #[test]
    fn printing_the_chain_does_not_repeat_the_problem() {
        let e = Error::Format("no generator".into()).in_file(Path::new("a.pkl"));
        assert_eq!(format!("{:#}", anyhow::Error::new(e)), "a.pkl: malformed checkpoint: no generator");
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = Error::from(io).in_file(Path::new("b.pkl"));
        assert_eq!(format!("{:#}", anyhow::Error::new(e)), "b.pkl: gone");
        let e = Error::Format("x".into()).in_file(Path::new("c")).in_file(Path::new("d"));
        assert_eq!(e.to_string(), "c: malformed checkpoint: x");
    }
}
