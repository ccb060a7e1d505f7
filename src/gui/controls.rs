//! The values of every latent control (seed plane, truncation, noise, style mix, class, pseudo-
//! align, equivariance) for one view or for both views when they are linked, and how they become
//! a [`RenderRequest`] for a given network.

use crate::gui::equivariance::Equivariance;
use crate::jobs::request::{ClassChoice, NetworkInfo, RenderRequest};
use crate::latent::seed_plane::SeedPlane;
use crate::latent::style_mix::StyleMix;
use crate::nn::generator::NoiseMode;

/// Default number of style-mix row toggles before a network is loaded (as the visualizer).
pub const DEFAULT_ROWS: usize = 18;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Controls {
    pub plane: SeedPlane,
    pub latent_anim: bool,
    /// Seeds per second.
    pub latent_speed: f64,
    pub psi: f64,
    /// Truncate rows `[0, cutoff)`; `None` = every row.
    pub cutoff: Option<usize>,
    pub noise_enabled: bool,
    pub noise_seed: u64,
    pub noise_anim: bool,
    pub stylemix_seed: u32,
    pub stylemix_anim: bool,
    pub stylemix_rows: Vec<bool>,
    pub class: ClassChoice,
    pub pseudo_align: bool,
    pub eq: Equivariance,
}

impl Default for Controls {
    fn default() -> Self {
        Self {
            plane: SeedPlane::default(),
            latent_anim: false,
            latent_speed: 0.25,
            psi: 1.0,
            cutoff: None,
            noise_enabled: true,
            noise_seed: 0,
            noise_anim: false,
            stylemix_seed: 1000,
            stylemix_anim: false,
            stylemix_rows: vec![false; DEFAULT_ROWS],
            class: ClassChoice::PerSeed,
            pseudo_align: false,
            eq: Equivariance::default(),
        }
    }
}

impl Controls {
    /// Resets the latent widget (seed plane, animation, speed).
    pub fn reset_latent(&mut self) {
        let d = Self::default();
        (self.plane, self.latent_anim, self.latent_speed) = (d.plane, d.latent_anim, d.latent_speed);
    }

    pub fn reset_trunc(&mut self) {
        (self.psi, self.cutoff) = (1.0, None);
    }

    pub fn reset_noise(&mut self) {
        (self.noise_enabled, self.noise_seed, self.noise_anim) = (true, 0, false);
    }

    pub fn reset_stylemix(&mut self) {
        let n = self.stylemix_rows.len();
        (self.stylemix_seed, self.stylemix_anim) = (1000, false);
        self.stylemix_rows = vec![false; n];
    }

    /// Makes room for a network's W rows (never shrinks, so linked views keep all toggles).
    pub fn fit_rows(&mut self, num_ws: usize) {
        if self.stylemix_rows.len() < num_ws {
            self.stylemix_rows.resize(num_ws, false);
        }
    }

    pub fn is_animating(&self) -> bool {
        self.latent_anim || self.noise_anim || self.stylemix_anim || self.eq.is_animating()
    }

    /// Advances every animation by one frame of `dt` seconds.
    pub fn animate(&mut self, dt: f64) {
        if self.latent_anim {
            self.plane.animate(dt, self.latent_speed);
        }
        if self.noise_anim {
            self.noise_seed = self.noise_seed.wrapping_add(1);
        }
        if self.stylemix_anim {
            self.stylemix_seed = self.stylemix_seed.wrapping_add(1);
        }
        self.eq.animate(dt);
    }

    /// The noise mode as the visualizer derives it: off → `none`, seed 0 → `const`, else `random`.
    pub fn noise_mode(&self) -> NoiseMode {
        if !self.noise_enabled {
            NoiseMode::None
        } else if self.noise_seed == 0 {
            NoiseMode::Const
        } else {
            NoiseMode::Random
        }
    }

    /// The render request for a network. Controls a network does not have (noise on StyleGAN3,
    /// transforms on StyleGAN2, classes on an unconditional network) are left out.
    pub fn request(&self, info: &NetworkInfo) -> RenderRequest {
        let rows: Vec<bool> = self.stylemix_rows.iter().take(info.num_ws).copied().collect();
        let sg3 = info.has_input_transform;
        RenderRequest {
            seeds: self.plane.weights(),
            psi: self.psi,
            cutoff: self.cutoff.map(|c| c.min(info.num_ws)),
            class: if info.c_dim == 0 {
                ClassChoice::PerSeed
            } else {
                match self.class {
                    ClassChoice::Fixed(k) => ClassChoice::Fixed(k.min(info.c_dim - 1)),
                    other => other,
                }
            },
            stylemix: StyleMix::from_toggles(self.stylemix_seed, &rows),
            pseudo_align: sg3 && self.pseudo_align,
            noise_mode: if info.has_noise { self.noise_mode() } else { NoiseMode::Const },
            noise_seed: if info.has_noise { self.noise_seed } else { 0 },
            input_transform: sg3.then(|| self.eq.transform(info.resolution)),
            untransform: sg3 && self.eq.untransform,
            directions: Vec::new(),
            style_channels: Vec::new(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::latent::seed_plane::SeedWeight;
    use std::path::PathBuf;

    fn info(sg3: bool) -> NetworkInfo {
        NetworkInfo {
            path: PathBuf::from("n.pkl"),
            family: if sg3 { "StyleGAN3-T" } else { "StyleGAN2" }.into(),
            resolution: 64,
            img_channels: 3,
            z_dim: 64,
            w_dim: 64,
            c_dim: 0,
            num_ws: if sg3 { 16 } else { 10 },
            has_noise: !sg3,
            has_input_transform: sg3,
            title: None,
        }
    }

    #[test]
    fn request_follows_the_network_family() {
        let mut c = Controls::default();
        c.plane.set_seed(85);
        c.noise_seed = 3;
        c.eq.x = 0.25;
        c.eq.untransform = true;
        c.pseudo_align = true;
        c.stylemix_rows[2] = true;
        c.stylemix_rows[12] = true;
        let sg2 = c.request(&info(false));
        assert_eq!(sg2.seeds, vec![SeedWeight { seed: 85, weight: 1.0 }]);
        assert_eq!((sg2.noise_mode, sg2.noise_seed), (NoiseMode::Random, 3));
        assert_eq!(sg2.input_transform, None);
        assert!(!sg2.untransform && !sg2.pseudo_align);
        assert_eq!(sg2.stylemix.map(|m| m.rows), Some(vec![2]));
        let sg3 = c.request(&info(true));
        assert_eq!((sg3.noise_mode, sg3.noise_seed), (NoiseMode::Const, 0));
        assert_eq!(sg3.input_transform.map(|m| m[0][2]), Some(0.25));
        assert!(sg3.untransform && sg3.pseudo_align);
        assert_eq!(sg3.stylemix.map(|m| m.rows), Some(vec![2, 12]));
    }

    #[test]
    fn noise_mode_follows_the_visualizer() {
        let mut c = Controls::default();
        assert_eq!(c.noise_mode(), NoiseMode::Const);
        c.noise_seed = 1;
        assert_eq!(c.noise_mode(), NoiseMode::Random);
        c.noise_enabled = false;
        assert_eq!(c.noise_mode(), NoiseMode::None);
    }

    #[test]
    fn animation_steps_every_enabled_control() {
        let mut c = Controls { latent_anim: true, noise_anim: true, stylemix_anim: true, ..Default::default() };
        c.animate(2.0);
        assert_eq!((c.plane.x, c.noise_seed, c.stylemix_seed), (0.5, 1, 1001));
        assert!(c.is_animating());
        c.reset_latent();
        c.reset_noise();
        c.reset_stylemix();
        assert!(!c.is_animating());
    }
}
