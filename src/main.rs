fn main() -> std::process::ExitCode {
    pin_thread_count();
    match stylescope::cli::main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// candle asks for its thread count on every matrix multiply and, unless `RAYON_NUM_THREADS` is
/// set, works it out again from `/proc` and sysfs each time (~20% of a small generator's forward).
/// Fix the count once, before any thread exists.
#[allow(unsafe_code)]
fn pin_thread_count() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = candle_core::utils::get_num_threads();
        // SAFETY: called first thing in `main`, while the process has a single thread, so no
        // other thread can be reading the environment concurrently.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
    }
}
