//! Data sets: procedural "toy faces" with known factors, and photo folders, written in NVIDIA's
//! dataset format (an uncompressed ZIP of PNGs, `00000/img00000000.png`, labels in
//! `dataset.json`). Reading them for training lives elsewhere in `train`.

pub mod canvas;
pub mod colour;
pub mod contact_sheet;
pub mod factors;
pub mod folder;
pub mod folder_report;
pub mod geometry;
pub mod part;
pub mod pose;
pub mod render;
pub mod rng;
pub mod sdf;
pub mod toyfaces;
pub mod vec2;
pub mod writer;

pub use factors::{FACTORS, ToyFaceFactors};
pub use folder::convert_folder;
pub use folder_report::FolderReport;
pub use part::Part;
pub use render::render_toyface;
pub use toyfaces::ToyFaces;
