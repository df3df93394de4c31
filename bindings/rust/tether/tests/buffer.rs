//! Owned tether buffers.

mod common;

use tether::{Buffer, Config, Key};

#[test]
fn copy_from_slice_allocates_and_drop_frees() {
    let _guard = common::guard();
    let before = tether::buffers_live();
    let mut buffer = Buffer::copy_from_slice(b"abc").unwrap();
    assert_eq!(tether::buffers_live().0, before.0 + 1);
    assert_eq!(&buffer[..], b"abc");
    buffer[0] = b'x';
    assert_eq!(&buffer[..], b"xbc");
    drop(buffer);
    assert_eq!(tether::buffers_live().0, before.0);
}

#[test]
fn into_vec_copies_and_frees() {
    let _guard = common::guard();
    let buffer = Buffer::copy_from_slice(&[1, 2, 3, 4]).unwrap();
    assert_eq!(buffer.into_vec(), vec![1, 2, 3, 4]);
}

#[test]
fn empty_buffers() {
    let _guard = common::guard();
    let empty = Buffer::empty();
    assert!(empty.is_empty());
    assert_eq!(empty.into_vec(), Vec::<u8>::new());
    let allocated = Buffer::copy_from_slice(&[]).unwrap();
    assert!(allocated.is_empty());
    assert_eq!(allocated, Buffer::empty());
}

#[test]
fn into_raw_hands_the_buffer_over() {
    let _guard = common::guard();
    let (ptr, len) = Buffer::copy_from_slice(b"raw").unwrap().into_raw();
    assert_eq!(len, 3);
    // SAFETY: ptr came from into_raw, so it is ours to take back once.
    let buffer = unsafe { Buffer::from_raw(ptr, len) };
    assert_eq!(&buffer[..], b"raw");
}

#[test]
fn a_call_result_outlives_its_runtime() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let stats = runtime
        .call_blocking(common::METHOD_STATS, Key::Any, &[])
        .unwrap();
    runtime.close().unwrap();
    assert_eq!(stats.len(), common::STATS_SIZE);
    // The runtime's leak report logs this result as live at close; it is
    // still ours, and is dropped on another thread (tether_buf_free is
    // any-thread).
    std::thread::spawn(move || drop(stats)).join().unwrap();
}
