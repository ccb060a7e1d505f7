//! Feeding real images to the trainer: a deterministic sample order and a loader thread that
//! decodes the next batches while the trainer works.
//!
//! The order is a pure function of the seed and the position in the stream of samples: the
//! dataset (doubled by x-flipped copies with `--mirror`, as NVIDIA's `xflip`) is shuffled anew
//! every epoch with a permutation seeded by `(seed, epoch)`, and batch `k` holds stream positions
//! `k·B .. (k+1)·B`. So a resumed run sees exactly the images the uninterrupted run would have.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use candle_core::{Device, Tensor};

use crate::nn::random_state::RandomState;
use crate::train::dataset::ImageDataset;
use crate::train::rng::stream_seed;
use crate::{Error, Result};

/// Batches decoded ahead of the trainer.
const PREFETCH: usize = 3;

/// One batch of real images.
#[derive(Clone, Debug)]
pub struct RealBatch {
    /// The batch's index in the stream (`batch_idx` of the training loop).
    pub index: u64,
    /// `[B, C, R, R]` bytes.
    pub images: Vec<u8>,
    /// `[B, label_dim]`.
    pub labels: Vec<f32>,
    pub batch: usize,
}

impl RealBatch {
    /// The images as float32 in [-1, 1] (`x / 127.5 − 1`), `[B, C, R, R]`.
    pub fn tensor(&self, channels: usize, resolution: usize, device: &Device) -> Result<Tensor> {
        let v: Vec<f32> = self.images.iter().map(|&b| f32::from(b) / 127.5 - 1.0).collect();
        Ok(Tensor::from_vec(v, (self.batch, channels, resolution, resolution), device)?)
    }

    /// The labels `[B, label_dim]` (`None` when the dataset has none).
    pub fn label_tensor(&self, label_dim: usize, device: &Device) -> Result<Option<Tensor>> {
        if label_dim == 0 {
            return Ok(None);
        }
        Ok(Some(Tensor::from_vec(self.labels.clone(), (self.batch, label_dim), device)?))
    }
}

/// Which dataset item each stream position shows.
#[derive(Clone, Debug)]
pub struct SampleOrder {
    seed: u64,
    raw_len: usize,
    mirror: bool,
    /// The permutation of the epoch last asked for.
    cache: Option<(u64, Vec<u32>)>,
}

impl SampleOrder {
    pub fn new(seed: u64, raw_len: usize, mirror: bool) -> Self {
        Self { seed, raw_len, mirror, cache: None }
    }

    /// Items per epoch (twice the images with `mirror`).
    pub fn epoch_len(&self) -> usize {
        self.raw_len * if self.mirror { 2 } else { 1 }
    }

    /// `(image index, xflip)` at stream position `pos`.
    pub fn item(&mut self, pos: u64) -> (usize, bool) {
        let n = self.epoch_len() as u64;
        let (epoch, within) = (pos / n, (pos % n) as usize);
        if self.cache.as_ref().is_none_or(|(e, _)| *e != epoch) {
            let mut rng = RandomState::new(stream_seed(self.seed, epoch, 0x5A3D));
            let mut perm: Vec<u32> = (0..n as u32).collect();
            for i in (1..perm.len()).rev() {
                let j = (rng.next_u32() as u64 * (i as u64 + 1)) >> 32;
                perm.swap(i, j as usize);
            }
            self.cache = Some((epoch, perm));
        }
        let item = self.cache.as_ref().map_or(within as u32, |(_, p)| p[within]) as usize;
        (item % self.raw_len, item >= self.raw_len)
    }
}

/// Decodes batch `index` (stream positions `index·B ..`).
pub fn load_batch(
    ds: &ImageDataset,
    reader: &mut crate::train::dataset::DatasetReader,
    order: &mut SampleOrder,
    index: u64,
    batch: usize,
) -> Result<RealBatch> {
    let mut images = Vec::with_capacity(batch * ds.channels * ds.resolution * ds.resolution);
    let mut labels = Vec::with_capacity(batch * ds.label_dim);
    for k in 0..batch {
        let (i, xflip) = order.item(index * batch as u64 + k as u64);
        images.extend(reader.image(i, xflip).map_err(|e| e.in_file(&ds.path))?);
        labels.extend_from_slice(ds.label(i));
    }
    Ok(RealBatch { index, images, labels, batch })
}

/// The receiving end of the loader thread.
pub struct Loader {
    rx: Receiver<Result<RealBatch>>,
}

impl Loader {
    /// The next batch (in order), or the loader's error.
    pub fn next(&self) -> Result<RealBatch> {
        self.rx.recv().map_err(|_| Error::Invalid("the image loader stopped".into()))?
    }
}

/// Starts the loader on `scope`: batches `start, start+1, …` until the [`Loader`] is dropped.
pub fn spawn<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    ds: &'env ImageDataset,
    seed: u64,
    mirror: bool,
    batch: usize,
    start: u64,
) -> Loader {
    let (tx, rx): (SyncSender<Result<RealBatch>>, _) = sync_channel(PREFETCH);
    scope.spawn(move || {
        let mut order = SampleOrder::new(seed, ds.len(), mirror);
        let mut reader = match ds.reader() {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        for index in start.. {
            let b = load_batch(ds, &mut reader, &mut order, index, batch);
            let failed = b.is_err();
            if tx.send(b).is_err() || failed {
                return;
            }
        }
    });
    Loader { rx }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_per_epoch_and_reproducible() {
        let mut a = SampleOrder::new(7, 5, true);
        let mut seen: Vec<(usize, bool)> = (0..10).map(|p| a.item(p)).collect();
        seen.sort();
        let mut want: Vec<(usize, bool)> = (0..5).map(|i| (i, false)).chain((0..5).map(|i| (i, true))).collect();
        want.sort();
        assert_eq!(seen, want);
        let mut b = SampleOrder::new(7, 5, true);
        assert_eq!(b.item(13), a.item(13));
        let mut c = SampleOrder::new(8, 5, true);
        assert_ne!((0..10).map(|p| c.item(p)).collect::<Vec<_>>(), (0..10).map(|p| b.item(p)).collect::<Vec<_>>());
    }
}
