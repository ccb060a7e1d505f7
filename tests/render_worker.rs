//! The render worker without a window: newest request wins, stale results are dropped, errors
//! come back as data, results carry timings, and requests never block on a slow render.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod gui_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gui_support::{fake_image, fake_loader, fake_network, temp_dir, wait_until};
use stylescope::jobs::render::{RenderWorker, Waker, WorkerEvent};
use stylescope::jobs::request::RenderRequest;
use stylescope::latent::seed_plane::SeedPlane;

fn request(seed: i64) -> RenderRequest {
    RenderRequest { seeds: SeedPlane::at_seed(seed).weights(), ..Default::default() }
}

fn counting_waker() -> (Waker, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let m = Arc::clone(&n);
    (
        Arc::new(move || {
            m.fetch_add(1, Ordering::SeqCst);
        }),
        n,
    )
}

/// Collects events until `done` says so.
fn collect(worker: &mut RenderWorker, what: &str, mut done: impl FnMut(&[WorkerEvent]) -> bool) -> Vec<WorkerEvent> {
    let mut all = Vec::new();
    wait_until(Duration::from_secs(20), what, || {
        all.extend(worker.poll());
        done(&all)
    });
    all
}

#[test]
fn loads_renders_and_reports_timings() {
    let dir = temp_dir("worker-basic");
    let net = fake_network(&dir, "a.fake", "sg2", 16, 0);
    let renders = Arc::new(AtomicUsize::new(0));
    let (waker, woken) = counting_waker();
    let mut w = RenderWorker::spawn("test-render", fake_loader(Arc::clone(&renders)), waker).unwrap();
    w.load(&net);
    let seq = w.request(request(7));
    assert!(w.busy());
    let events = collect(&mut w, "render", |e| e.iter().any(|e| matches!(e, WorkerEvent::Rendered { .. })));
    let WorkerEvent::Loaded { info, .. } = &events[0] else { panic!("first event: {:?}", events[0]) };
    assert_eq!((info.resolution, info.family.as_str()), (16, "StyleGAN2"));
    let Some(WorkerEvent::Rendered { seq: got, image, timings, .. }) = events.last() else { panic!() };
    assert_eq!(*got, seq);
    assert_eq!(**image.as_ref().unwrap(), fake_image(info, &request(7)));
    assert!(timings.render > Duration::ZERO);
    assert_eq!(timings.stages.len(), 1);
    assert!(!w.busy());
    assert!(woken.load(Ordering::SeqCst) >= 2, "the waker runs after each event");
}

#[test]
fn newest_request_wins_while_a_slow_render_runs() {
    let dir = temp_dir("worker-newest");
    let net = fake_network(&dir, "slow.fake", "sg2", 8, 300);
    let renders = Arc::new(AtomicUsize::new(0));
    let (waker, _) = counting_waker();
    let mut w = RenderWorker::spawn("test-render", fake_loader(Arc::clone(&renders)), waker).unwrap();
    w.load(&net);
    w.request(request(1));
    // Wait until the first render is running, then send many requests: none may block.
    wait_until(Duration::from_secs(10), "first render to start", || {
        w.poll().iter().any(|e| matches!(e, WorkerEvent::Loaded { .. }))
    });
    std::thread::sleep(Duration::from_millis(50));
    let start = Instant::now();
    let mut last = 0;
    for seed in 2..=20 {
        last = w.request(request(seed));
    }
    assert!(start.elapsed() < Duration::from_millis(200), "requests must not wait for the 300 ms render");
    let events = collect(&mut w, "last render", |e| {
        e.iter().any(|e| matches!(e, WorkerEvent::Rendered { seq, .. } if *seq == last))
    });
    let seqs: Vec<u64> = events
        .iter()
        .filter_map(|e| if let WorkerEvent::Rendered { seq, .. } = e { Some(*seq) } else { None })
        .collect();
    // Render 1 (already running) and the newest one; everything in between was superseded.
    assert_eq!(seqs.len(), 2, "rendered {seqs:?}");
    assert_eq!(*seqs.last().unwrap(), last);
    assert_eq!(renders.load(Ordering::SeqCst), 2);
    assert_eq!(w.superseded(), 18);
}

#[test]
fn results_of_a_previous_network_are_dropped() {
    let dir = temp_dir("worker-stale");
    let slow = fake_network(&dir, "slow.fake", "sg2", 8, 400);
    let fast = fake_network(&dir, "fast.fake", "sg3", 12, 0);
    let renders = Arc::new(AtomicUsize::new(0));
    let (waker, _) = counting_waker();
    let mut w = RenderWorker::spawn("test-render", fake_loader(Arc::clone(&renders)), waker).unwrap();
    w.load(&slow);
    w.request(request(1));
    wait_until(Duration::from_secs(10), "slow network to load", || !w.poll().is_empty());
    std::thread::sleep(Duration::from_millis(50)); // the slow render is now running
    w.load(&fast);
    let seq = w.request(request(2));
    let events =
        collect(&mut w, "render of the new network", |e| e.iter().any(|e| matches!(e, WorkerEvent::Rendered { .. })));
    for e in &events {
        if let WorkerEvent::Rendered { seq: s, image, .. } = e {
            assert_eq!(*s, seq);
            assert_eq!(image.as_ref().unwrap().width, 12, "an image of the previous network got through");
        }
    }
    // The slow render finished after the switch and was dropped by the worker or the receiver.
    wait_until(Duration::from_secs(5), "slow render to finish", || renders.load(Ordering::SeqCst) >= 2);
    std::thread::sleep(Duration::from_millis(20));
    assert!(w.poll().is_empty());
}

#[test]
fn errors_come_back_as_data() {
    let dir = temp_dir("worker-errors");
    let broken = dir.join("broken.pkl");
    std::fs::write(&broken, b"\x80\x04garbage").unwrap();
    let renders = Arc::new(AtomicUsize::new(0));
    let (waker, _) = counting_waker();
    let mut w = RenderWorker::spawn("test-render", fake_loader(Arc::clone(&renders)), waker).unwrap();

    // Render before any load: an error, not a panic.
    let seq = w.request(request(0));
    let events = collect(&mut w, "render error", |e| !e.is_empty());
    assert!(
        matches!(&events[0], WorkerEvent::RenderFailed { seq: s, error, .. } if *s == seq && error.contains("no network"))
    );

    w.load(&broken);
    let events = collect(&mut w, "load error", |e| !e.is_empty());
    let WorkerEvent::LoadFailed { path, error, .. } = &events[0] else { panic!("{:?}", events[0]) };
    assert_eq!(path, &broken);
    assert!(error.contains("broken.pkl") && error.contains("not a network"), "{error}");

    // A failing render of a loaded network.
    let good = fake_network(&dir, "good.fake", "sg2", 8, 0);
    w.load(&good);
    let seq = w.request(RenderRequest { psi: f64::NAN, ..Default::default() });
    let events = collect(&mut w, "render error", |e| e.iter().any(|e| matches!(e, WorkerEvent::RenderFailed { .. })));
    assert!(
        events.iter().any(
            |e| matches!(e, WorkerEvent::RenderFailed { seq: s, error, .. } if *s == seq && error.contains("NaN"))
        )
    );
    // The worker is still alive.
    let seq = w.request(request(3));
    let events = collect(&mut w, "render after error", |e| !e.is_empty());
    assert!(matches!(&events[0], WorkerEvent::Rendered { seq: s, .. } if *s == seq));
}
