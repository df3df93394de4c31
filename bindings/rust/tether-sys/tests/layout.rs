//! Keeps the Rust declarations in step with the C headers: a C program
//! compiled against the installed headers (include dir from
//! `pkg-config --cflags tether`, compiler `cc` or $CC) prints the size of
//! every public struct, the offset of every field and the value of every
//! constant, and each number is compared with the Rust side's.
//!
//! The C program is generated from the same lists the Rust side checks, and
//! each Rust struct is destructured without `..`, so a Rust field missing
//! from a list does not compile, and a C field missing from Rust shows as a
//! size (or offset) mismatch.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use tether_sys::*;

/// One number the C program prints and the Rust value it must equal.
struct Expect {
    name: String,
    c_expr: String,
    rust: u64,
}

macro_rules! structs {
    ($out:ident; $($ty:ident { $($field:ident),* $(,)? })*) => {$(
        {
            // Every Rust field is named here (no `..`): a field left out of
            // this list is a compile error.
            #[allow(dead_code)]
            fn all_fields_listed(v: $ty) {
                let $ty { $($field: _),* } = v;
            }
            $out.push(Expect {
                name: format!("sizeof({})", stringify!($ty)),
                c_expr: format!("sizeof({})", stringify!($ty)),
                rust: core::mem::size_of::<$ty>() as u64,
            });
            $out.push(Expect {
                name: format!("alignof({})", stringify!($ty)),
                c_expr: format!("_Alignof({})", stringify!($ty)),
                rust: core::mem::align_of::<$ty>() as u64,
            });
            $(
                let value = core::mem::MaybeUninit::<$ty>::uninit();
                let base = value.as_ptr();
                // addr_of! never reads the uninitialised memory.
                let field = unsafe { core::ptr::addr_of!((*base).$field) };
                $out.push(Expect {
                    name: format!("offsetof({}, {})", stringify!($ty), stringify!($field)),
                    c_expr: format!("offsetof({}, {})", stringify!($ty), stringify!($field)),
                    rust: (field as usize - base as usize) as u64,
                });
                $out.push(Expect {
                    name: format!("sizeof({}.{})", stringify!($ty), stringify!($field)),
                    c_expr: format!("sizeof((({} *)0)->{})", stringify!($ty), stringify!($field)),
                    rust: size_of_pointee(field) as u64,
                });
            )*
        }
    )*};
}

fn size_of_pointee<T>(_: *const T) -> usize {
    core::mem::size_of::<T>()
}

macro_rules! constants {
    ($out:ident; $($name:ident),* $(,)?) => {$(
        $out.push(Expect {
            name: stringify!($name).to_string(),
            c_expr: stringify!($name).to_string(),
            rust: $name as u64,
        });
    )*};
}

fn expectations() -> Vec<Expect> {
    let mut out = Vec::new();
    structs! { out;
        tether_call { struct_size, method, flags, key, timeout_ns, payload, payload_len }
        tether_completion {
            struct_size, user_data, ticket, status, library_code, result, result_len,
            error, error_len, lane, reserved0, latency_ns,
        }
        tether_runtime_config {
            struct_size, lanes, pin_lanes, deliver, max_calls_in_flight,
            max_bytes_in_flight, max_payload_bytes, spin_ns, library_data,
            growth_threshold, leak_check, buffer_debug, recorder_entries,
            capture_max_payload, capture_bytes, capture_dir,
        }
        tether_stats {
            struct_size, submitted, rejected_busy, completed_ok, completed_library,
            completed_cancelled, completed_deadline, completed_closed, in_flight,
            bytes_in_flight, late_replies, callback_exceptions, lanes, reserved0,
            queue_depth, cq_backlog, buffers_live, buffer_bytes_live,
            latency_p50_ns, latency_p99_ns, latency_p999_ns,
        }
        tether_lane_stats { struct_size, lane, reserved0, queue_depth, handled, parks }
        tether_request { struct_size, id, method, lane_index, key, payload, payload_len }
        tether_host_api {
            struct_size, abi_version, reserved0, reply, reply_error, buf_alloc, buf_free,
            is_cancelled, post, timer_start, log, gauge_register, gauge_set, handle_new,
            handle_get, handle_retain, handle_release,
        }
        tether_library {
            struct_size, abi_version, reserved0, name, lane_start, handle, lane_stop,
        }
    }
    constants! { out;
        TETHER_VERSION_MAJOR, TETHER_VERSION_MINOR, TETHER_VERSION_PATCH,
        TETHER_VERSION_NUMBER,
        TETHER_OK, TETHER_E_INVALID_ARG, TETHER_E_BUSY, TETHER_E_CLOSED,
        TETHER_E_CANCELLED, TETHER_E_DEADLINE, TETHER_E_LIBRARY, TETHER_E_STALE_TICKET,
        TETHER_E_ALREADY_COMPLETED, TETHER_E_WOULD_DEADLOCK, TETHER_E_FORKED,
        TETHER_E_NO_MEMORY, TETHER_E_TOO_LARGE, TETHER_E_LOAD, TETHER_E_VERSION,
        TETHER_E_WRONG_THREAD, TETHER_E_FOREIGN_BUFFER, TETHER_E_DOUBLE_FREE,
        TETHER_E_INTERNAL, TETHER_E_BUFFER_CORRUPT, TETHER_E_IO,
        TETHER_RECORDER_PAYLOADS,
        TETHER_BUF_MAX_SIZE, TETHER_BUF_MODE_RELEASE, TETHER_BUF_MODE_DEBUG,
        TETHER_BUF_NEW_BYTE, TETHER_BUF_FREED_BYTE, TETHER_BUF_GUARD_BYTE,
        TETHER_BUF_PROBLEM_DOUBLE_FREE, TETHER_BUF_PROBLEM_FOREIGN,
        TETHER_BUF_PROBLEM_OVERWRITE, TETHER_BUF_PROBLEM_UNDERWRITE,
        TETHER_BUF_PROBLEM_WRITE_AFTER_FREE,
        TETHER_KEY_ANY, TETHER_CALL_MOVE_PAYLOAD, TETHER_COMPLETION_MIN_SIZE,
        TETHER_DELIVER_ON_LANE, TETHER_DELIVER_ON_THREAD,
        TETHER_LEAK_CHECK_OFF, TETHER_LEAK_CHECK_LOG, TETHER_LEAK_CHECK_FAIL,
        TETHER_SHUTDOWN_DRAIN, TETHER_SHUTDOWN_CANCEL,
        TETHER_LOG_DEBUG, TETHER_LOG_INFO, TETHER_LOG_WARN, TETHER_LOG_ERROR,
        TETHER_LOG_OFF,
        TETHER_LIBRARY_ABI_VERSION,
    }
    // Opaque types are zero-sized on the Rust side and only ever used
    // through pointers.
    for size in [
        core::mem::size_of::<tether_runtime>(),
        core::mem::size_of::<tether_cq>(),
        core::mem::size_of::<tether_stream>(),
        core::mem::size_of::<tether_lane>(),
    ] {
        assert_eq!(size, 0);
    }
    // tether_status is int32_t.
    out.push(Expect {
        name: "sizeof(tether_status)".to_string(),
        c_expr: "sizeof(tether_status)".to_string(),
        rust: core::mem::size_of::<tether_status>() as u64,
    });
    out
}

fn pkg_config(args: &[&str]) -> String {
    let output = Command::new("pkg-config")
        .args(args)
        .arg("tether")
        .output()
        .expect("could not run pkg-config");
    assert!(
        output.status.success(),
        "pkg-config {:?} tether failed (is PKG_CONFIG_PATH set?): {}",
        args,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Compiles and runs the C program; returns what it printed, by name.
fn c_values(expects: &[Expect]) -> (BTreeMap<String, u64>, String) {
    let mut src = String::new();
    src.push_str("#include <stddef.h>\n#include <stdio.h>\n#include \"tether/tether.h\"\n");
    src.push_str("#include \"tether/library.h\"\n\nint main(void) {\n");
    for e in expects {
        writeln!(
            src,
            "  printf(\"%s=%llu\\n\", \"{}\", (unsigned long long)({}));",
            e.name, e.c_expr
        )
        .unwrap();
    }
    src.push_str("  printf(\"TETHER_VERSION_STRING=%s\\n\", TETHER_VERSION_STRING);\n");
    src.push_str("  return 0;\n}\n");

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tether-sys-layout");
    std::fs::create_dir_all(&dir).unwrap();
    let c_file = dir.join("layout.c");
    let exe = dir.join("layout");
    std::fs::write(&c_file, &src).unwrap();

    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let cflags = pkg_config(&["--cflags"]);
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Werror", "-o"])
        .arg(&exe)
        .arg(&c_file)
        .args(cflags.split_whitespace())
        .status()
        .unwrap_or_else(|err| panic!("could not run {}: {}", cc, err));
    assert!(
        status.success(),
        "{} failed to compile {}",
        cc,
        c_file.display()
    );

    let output = Command::new(&exe)
        .output()
        .expect("could not run the layout program");
    assert!(output.status.success(), "the layout program failed");
    let text = String::from_utf8(output.stdout).unwrap();
    let mut values = BTreeMap::new();
    let mut version_string = String::new();
    for line in text.lines() {
        let (name, value) = line.split_once('=').expect("name=value");
        if name == "TETHER_VERSION_STRING" {
            version_string = value.to_string();
        } else {
            values.insert(name.to_string(), value.parse::<u64>().unwrap());
        }
    }
    (values, version_string)
}

#[test]
fn rust_declarations_match_the_c_headers() {
    let expects = expectations();
    let (c, version_string) = c_values(&expects);
    let mut mismatches = Vec::new();
    for e in &expects {
        match c.get(&e.name) {
            Some(&value) if value == e.rust => {}
            Some(&value) => mismatches.push(format!("{}: C {} but Rust {}", e.name, value, e.rust)),
            None => mismatches.push(format!("{}: not printed by the C program", e.name)),
        }
    }
    if version_string != TETHER_VERSION_STRING {
        mismatches.push(format!(
            "TETHER_VERSION_STRING: C {:?} but Rust {:?}",
            version_string, TETHER_VERSION_STRING
        ));
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} checks differ:\n{}",
        mismatches.len(),
        expects.len() + 1,
        mismatches.join("\n")
    );
    println!(
        "{} layout and constant checks agree with the C headers",
        expects.len() + 1
    );
}
