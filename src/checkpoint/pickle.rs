//! The restricted pickle machine (placeholder: the reader is being written).

/// A broken, truncated or hostile pickle, with the byte offset where it was detected.
#[derive(Debug, thiserror::Error)]
#[error("pickle error at byte {offset}: {message}")]
pub struct PickleError {
    pub offset: u64,
    pub message: String,
}
