//! CPU time and peak memory of this process, read from Linux's `/proc` (other systems report
//! `None`). CPU time is the sum over the process's threads of `/proc/self/task/*/schedstat`
//! (nanoseconds on a CPU, so independent of other processes' load), falling back to the
//! 10 ms-resolution `utime + stime` of `/proc/self/stat`.

use std::time::Duration;

/// User + system CPU time of all threads of this process so far.
pub fn cpu_time() -> Option<Duration> {
    schedstat_total().or_else(stat_ticks)
}

fn schedstat_total() -> Option<Duration> {
    let mut total = 0u64;
    let mut any = false;
    for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        // A thread may exit between listing and reading; skip it.
        let Ok(text) = std::fs::read_to_string(entry.path().join("schedstat")) else { continue };
        let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
        total += ns;
        any = true;
    }
    any.then(|| Duration::from_nanos(total))
}

fn stat_ticks() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may contain spaces) end with ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux configuration in use.
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Peak resident set size (`VmHWM`) in bytes since the start or the last [`reset_peak_rss`].
pub fn peak_rss_bytes() -> Option<u64> {
    status_kb("VmHWM:").map(|kb| kb * 1024)
}

/// Current resident set size (`VmRSS`) in bytes.
pub fn rss_bytes() -> Option<u64> {
    status_kb("VmRSS:").map(|kb| kb * 1024)
}

/// Resets the peak resident set size to the current one (writes `5` to `/proc/self/clear_refs`);
/// `false` where that is not possible.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_kb(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

/// The 1-minute load average (`/proc/loadavg`).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work_on_linux() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let t0 = cpu_time().unwrap();
        let mut x = 0u64;
        for i in 0..30_000_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
        }
        std::hint::black_box(x);
        let t1 = cpu_time().unwrap();
        assert!(t1 > t0, "{t0:?} → {t1:?}");
        assert!(peak_rss_bytes().unwrap() > 0 && rss_bytes().unwrap() > 0);
    }
}
