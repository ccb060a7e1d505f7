//! Background work: worker threads, progress with nested ranges, cancellation, and the render
//! worker that the window uses. The only layer that creates threads.
