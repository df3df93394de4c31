//! What may cross threads, checked at compile time. (That a Stream is not
//! Sync, and that a Call cannot outlive its Runtime, are compile_fail
//! examples in the crate's documentation.)

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>() {}
fn unpin<T: Unpin>() {}

#[test]
fn handles_that_cross_threads() {
    send_sync::<tether::Runtime>();
    send_sync::<tether::Call<'static>>();
    send_sync::<tether::Buffer>();
    send_sync::<tether::Error>();
    send_sync::<tether::Config>();
    send_sync::<tether::Batch<'static>>();
    send::<tether::Stream<'static>>();
    unpin::<tether::Call<'static>>();
}

#[test]
fn a_call_can_be_awaited_in_a_spawned_tokio_task() {
    fn spawnable<F: std::future::Future + Send + 'static>(_: F) {}
    let runtime = std::sync::Arc::new(None::<tether::Runtime>);
    spawnable(async move {
        if let Some(runtime) = runtime.as_ref() {
            let _ = runtime.call(5, tether::Key::Any, &[]).await;
        }
    });
}
