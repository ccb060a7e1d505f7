//! The render worker's inbox: at most one pending load and one pending render. A new render
//! request replaces the pending one (the newest request wins); a load supersedes everything
//! queued for the previous network.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

use crate::jobs::request::RenderRequest;

/// A job taken out of the inbox. (A few hundred bytes, moved once per frame: boxing the render
/// request would buy nothing.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Job {
    /// Open `path`, or with `None` drop the current network.
    Load {
        epoch: u64,
        path: Option<PathBuf>,
    },
    Render {
        epoch: u64,
        seq: u64,
        request: RenderRequest,
        sent: Instant,
    },
    Quit,
}

#[derive(Debug, Default)]
struct State {
    /// Bumped by every load; a render of an older epoch is stale.
    epoch: u64,
    load: Option<Option<PathBuf>>,
    render: Option<(u64, RenderRequest, Instant)>,
    quit: bool,
    /// Render requests replaced before the worker took them.
    superseded: u64,
}

/// Shared between the window side and the worker thread.
#[derive(Debug, Default)]
pub struct Inbox {
    state: Mutex<State>,
    ready: Condvar,
}

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state inconsistent (plain fields).
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a load (`None`: unload); drops any pending render (it was for the previous
    /// network). Returns the new epoch.
    pub fn push_load(&self, path: Option<PathBuf>) -> u64 {
        let mut s = self.lock();
        s.epoch += 1;
        s.load = Some(path);
        if s.render.take().is_some() {
            s.superseded += 1;
        }
        self.ready.notify_all();
        s.epoch
    }

    /// Queues a render for the current epoch, replacing a pending one. Returns the epoch it belongs to.
    pub fn push_render(&self, seq: u64, request: RenderRequest) -> u64 {
        let mut s = self.lock();
        if s.render.replace((seq, request, Instant::now())).is_some() {
            s.superseded += 1;
        }
        self.ready.notify_all();
        s.epoch
    }

    pub fn quit(&self) {
        self.lock().quit = true;
        self.ready.notify_all();
    }

    /// The current epoch (changes when a load is queued).
    pub fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    pub fn superseded(&self) -> u64 {
        self.lock().superseded
    }

    /// Blocks until there is a job. Loads go first; then the newest render.
    pub fn wait(&self) -> Job {
        let mut s = self.lock();
        loop {
            if s.quit {
                return Job::Quit;
            }
            if let Some(path) = s.load.take() {
                return Job::Load { epoch: s.epoch, path };
            }
            if let Some((seq, request, sent)) = s.render.take() {
                return Job::Render { epoch: s.epoch, seq, request, sent };
            }
            s = self.ready.wait(s).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn newest_render_wins_and_loads_go_first() {
        let inbox = Inbox::default();
        inbox.push_render(1, RenderRequest { psi: 0.1, ..Default::default() });
        inbox.push_render(2, RenderRequest { psi: 0.2, ..Default::default() });
        assert_eq!(inbox.superseded(), 1);
        match inbox.wait() {
            Job::Render { seq, request, epoch, .. } => assert_eq!((seq, request.psi, epoch), (2, 0.2, 0)),
            other => panic!("{other:?}"),
        }
        inbox.push_render(3, RenderRequest::default());
        let e = inbox.push_load(Some(PathBuf::from("a.pkl")));
        assert_eq!(e, 1);
        inbox.push_render(4, RenderRequest::default());
        assert!(matches!(inbox.wait(), Job::Load { epoch: 1, .. }));
        assert!(matches!(inbox.wait(), Job::Render { seq: 4, epoch: 1, .. }));
        inbox.quit();
        assert!(matches!(inbox.wait(), Job::Quit));
    }
}
